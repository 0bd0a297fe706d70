using System.Text.Json;
using Shop.Ordering.Core.Messaging;

namespace Shop.Ordering.Worker.Reservations;

/// <summary>
/// Reads a reservation message and rejects what no retry could ever persist (bad JSON, missing or impossible
/// fields): such a message goes straight to the dead-letter queue instead of failing the batch it is in.
/// </summary>
public static class ReservationParser
{
    // numeric(12,2): ten digits before the point.
    private const decimal MaxUnitPrice = 9_999_999_999.99m;

    public static (ReservationMessage? Reservation, string? Problem) Parse(ReadOnlySpan<byte> body)
    {
        ReservationMessage? reservation;
        try
        {
            reservation = JsonSerializer.Deserialize(body, OrderingJsonContext.Default.ReservationMessage);
        }
        catch (JsonException e)
        {
            return (null, "not a reservation: " + e.Message);
        }
        var problem = reservation switch
        {
            null => "empty message",
            { Lines: { } lines } => CheckoutProblem(reservation, lines),
            { OrderId: var id } when id == Guid.Empty => "no orderId",
            { SaleId: var id } when id == Guid.Empty => "no saleId",
            { BuyerId: null or "" } => "no buyerId",
            { IdempotencyKey: null } => "no idempotencyKey",
            { Quantity: <= 0 } => "quantity must be positive",
            { UnitPrice: < 0 or > MaxUnitPrice } => "unitPrice out of range",
            { ReservedAt: var at } when at == default => "no reservedAt",
            _ => null,
        };
        return problem is null ? (reservation, null) : (null, problem);
    }

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
