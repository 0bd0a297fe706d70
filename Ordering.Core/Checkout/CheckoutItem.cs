namespace Shop.Ordering.Core.Checkout;

/// <summary>One line of a basket checkout as the buyer asks for it: the catalog item and how many.</summary>
public sealed record CheckoutItem(int ItemId, int Quantity);

/// <summary>
/// A line the checkout could not reserve, in the 409/422 problem's <c>lines</c> extension. <see cref="Reason"/>:
/// <c>short</c> (fewer than asked are left), <c>unavailable</c> (the item was deleted), <c>unknown</c> (never sold here).
/// </summary>
public sealed record RefusedLine(int ItemId, int Requested, long Available, string Reason);
