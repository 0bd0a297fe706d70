using Shop.Ordering.Core.Checkout;

namespace Shop.Ordering.Api.Checkout;

/// <summary>The body of <c>POST /api/orders</c>.</summary>
public sealed record CheckoutRequest(IReadOnlyList<CheckoutItem>? Items);
