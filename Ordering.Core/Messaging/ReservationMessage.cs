namespace Shop.Ordering.Core.Messaging;

/// <summary>
/// One accepted reservation as the gate's stream carries it to the worker (read by <c>GateStreamEntries</c>). An entry
/// may be read more than once (a worker that died before settling it) and the worker inserts each order once.
/// <para>
/// A flash-sale buy is one line: <see cref="StockId"/> (the sale's id: a flash sale is a stock of its own), <see cref="Quantity"/>, <see cref="UnitPrice"/>. A basket
/// checkout carries its <see cref="Lines"/> (each against an item's stock id), with <see cref="StockId"/> empty,
/// <see cref="Quantity"/> the units of all lines and <see cref="UnitPrice"/> 0; the worker persists it as one
/// order row per line, in the same transaction (<see cref="ToOrderRows"/>).
/// </para>
/// </summary>
public sealed record ReservationMessage(
    Guid OrderId,
    Guid StockId,
    string BuyerId,
    int Quantity,
    decimal UnitPrice,
    DateTimeOffset ReservedAt,
    string IdempotencyKey)
{
    /// <summary>A checkout's lines; null for a flash-sale buy.</summary>
    public IReadOnlyList<CheckoutLine>? Lines { get; init; }

    /// <summary>
    /// Only on the rows <see cref="ToOrderRows"/> makes of a checkout (never in the stream): the checkout the line
    /// belongs to, stored in <c>orders.checkout_id</c>.
    /// </summary>
    public Guid? CheckoutId { get; init; }

    /// <summary>The order rows this reservation is persisted as: itself for a flash-sale buy, one per line for a checkout.</summary>
    public IEnumerable<ReservationMessage> ToOrderRows() => Lines is null
        ? [this]
        : Lines.Select(line => new ReservationMessage(line.LineId, line.StockId, BuyerId, line.Quantity, line.UnitPrice, ReservedAt, IdempotencyKey)
        {
            CheckoutId = OrderId,
        });
}

/// <summary>One line of a checkout: its own id (its order row), the item's stock id, units and the price the gate reserved them at.</summary>
public sealed record CheckoutLine(Guid LineId, Guid StockId, int Quantity, decimal UnitPrice);
