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
}
