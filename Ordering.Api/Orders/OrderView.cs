namespace Shop.Ordering.Api.Orders;

/// <summary>An order as its buyer sees it. <see cref="Status"/>: pending, confirmed, paid, expired, cancelled.</summary>
public sealed record OrderView(
    Guid OrderId,
    Guid SaleId,
    int Quantity,
    decimal UnitPrice,
    decimal Total,
    string Status,
    DateTimeOffset ReservedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? PaidAt);
