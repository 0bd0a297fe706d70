namespace Shop.IntegrationEvents;

/// <summary>
/// Published by Ordering when orders change status: <see cref="OrderEventStatus.Confirmed"/> (durable in the ledger),
/// <see cref="OrderEventStatus.Paid"/>, <see cref="OrderEventStatus.Expired"/> or <see cref="OrderEventStatus.Cancelled"/>.
/// One event per transaction that made the change, so it lists every order that transaction changed: a batch of
/// confirmed reservations (up to a few hundred orders at the peak), the lines of one checkout paid or cancelled, a
/// round of expiries. Routing key <see cref="EventTopology.OrderStatusRoutingKey"/> of its status, so a subscriber binds
/// only the statuses it wants. Written to Ordering's outbox in that same transaction: a committed change is always
/// announced, at least once.
/// </summary>
public sealed record OrderStatusChanged : IntegrationEvent
{
    public required OrderEventStatus Status { get; init; }

    /// <summary>The orders (order lines: one per flash-sale order, one per checkout line) now in <see cref="Status"/>.</summary>
    public required IReadOnlyList<OrderStatusLine> Orders { get; init; }
}

/// <summary>One order row: a flash-sale order, or one line of a checkout (<see cref="CheckoutId"/> is then the buyer's order).</summary>
/// <param name="OrderId">The row's id (a flash-sale order's id, or a checkout line's).</param>
/// <param name="CheckoutId">The checkout this line belongs to (the id the buyer sees); null for a flash-sale order.</param>
/// <param name="BuyerId">The buyer (the token's subject).</param>
/// <param name="StockId">The stock the units came from: a flash sale's id, or an item's stock id.</param>
/// <param name="Units">The units the order holds.</param>
public sealed record OrderStatusLine(Guid OrderId, Guid? CheckoutId, string BuyerId, Guid StockId, int Units);

public enum OrderEventStatus
{
    /// <summary>The order is durable in Ordering's ledger, waiting for payment.</summary>
    Confirmed,

    Paid,

    /// <summary>Not paid in time: its units went back to the stock.</summary>
    Expired,

    /// <summary>Cancelled by the buyer: its units went back to the stock.</summary>
    Cancelled,
}
