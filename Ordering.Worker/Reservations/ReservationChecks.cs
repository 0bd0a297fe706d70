using Shop.Ordering.Core.Messaging;

namespace Shop.Ordering.Worker.Reservations;

/// <summary>
/// What no retry could ever persist in a reservation read from the stream (missing or impossible fields): such an
/// entry is parked at once instead of failing the batch it is in. The entry's format is read by
/// <c>GateStreamEntries</c>; this checks what the ledger's columns and constraints require.
/// </summary>
public static class ReservationChecks
{
    // numeric(12,2): ten digits before the point.
    private const decimal MaxUnitPrice = 9_999_999_999.99m;

    /// <returns>Why the reservation cannot be persisted, or null when it can.</returns>
    public static string? ProblemOf(ReservationMessage reservation) => reservation switch
    {
        { Lines: { } lines } => CheckoutProblem(reservation, lines),
        { OrderId: var id } when id == Guid.Empty => "no orderId",
        { StockId: var id } when id == Guid.Empty => "no stockId",
        { BuyerId: null or "" } => "no buyerId",
        { IdempotencyKey: null } => "no idempotencyKey",
        { Quantity: <= 0 } => "quantity must be positive",
        { UnitPrice: < 0 or > MaxUnitPrice } => "unitPrice out of range",
        { ReservedAt: var at } when at == default => "no reservedAt",
        _ => null,
    };

    private static string? CheckoutProblem(ReservationMessage checkout, IReadOnlyList<CheckoutLine> lines) => checkout switch
    {
        { OrderId: var id } when id == Guid.Empty => "no orderId",
        { BuyerId: null or "" } => "no buyerId",
        { IdempotencyKey: null } => "no idempotencyKey",
        { ReservedAt: var at } when at == default => "no reservedAt",
        _ when lines.Count == 0 => "a checkout without lines",
        _ when lines.Any(l => l.LineId == Guid.Empty || l.StockId == Guid.Empty) => "a line without lineId or stockId",
        _ when lines.Any(l => l.Quantity <= 0) => "a line's quantity must be positive",
        _ when lines.Any(l => l.UnitPrice is < 0 or > MaxUnitPrice) => "a line's unitPrice out of range",
        _ when lines.DistinctBy(l => l.StockId).Count() != lines.Count => "two lines of one stock",
        _ => null,
    };
}
