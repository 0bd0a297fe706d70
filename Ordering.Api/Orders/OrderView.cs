namespace Shop.Ordering.Api.Orders;

/// <summary>
/// An order as its buyer sees it (docs/checkout.md). <see cref="Kind"/>: <c>flash-sale</c> (one line, with its
/// <see cref="SaleId"/> and <see cref="UnitPrice"/>) or <c>checkout</c> (a basket's lines at regular prices; both null).
/// <see cref="Status"/>: pending, confirmed, paid, expired, cancelled.
/// </summary>
public sealed record OrderView(
    Guid OrderId,
    string Kind,
    Guid? SaleId,
    int Quantity,
    decimal? UnitPrice,
    decimal Total,
    string Status,
    DateTimeOffset ReservedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? PaidAt,
    IReadOnlyList<OrderLineView> Lines)
{
    public const string FlashSale = "flash-sale";
    public const string Checkout = "checkout";
}

public sealed record OrderLineView(int ItemId, string ItemName, int Quantity, decimal UnitPrice, decimal Total);
