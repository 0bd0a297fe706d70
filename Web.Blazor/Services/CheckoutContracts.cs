namespace Shop.Web.Services;

// ordering-api's checkout (docs/checkout.md): POST /api/orders and its answers.

/// <summary>Body of <c>POST /api/orders</c>.</summary>
public sealed record CheckoutRequest(IReadOnlyList<CheckoutItem> Items);

public sealed record CheckoutItem(int ItemId, int Quantity);

/// <summary>The 202 of a checkout (or of a flash-sale buy): the order, still pending.</summary>
public sealed record OrderAccepted(Guid OrderId, string Status);

/// <summary>
/// A line the checkout could not reserve. <see cref="Reason"/>: <c>short</c> (only <see cref="Available"/> left),
/// <c>unavailable</c> (the item was deleted), <c>unknown</c> (the shop never sold it).
/// </summary>
public sealed record RefusedLine(int ItemId, int Requested, long Available, string Reason);

/// <summary>A checkout's problem+json, with the <c>lines</c> extension of 409 insufficient-stock and 422 unknown-item.</summary>
public sealed record CheckoutProblem(string? Type, string? Title, int? Status, string? Detail, IReadOnlyList<RefusedLine>? Lines);
