using Shop.IntegrationEvents;

namespace Shop.Ordering.Worker.Reservations;

/// <summary>An order row that a transaction has just inserted (or one the gate has not been told about yet).</summary>
public sealed record PersistedOrder(Guid OrderId, Guid StockId, string BuyerId, int Quantity, Guid? CheckoutId)
{
    /// <summary>The order as the <c>OrderStatusChanged</c> event lists it.</summary>
    public OrderStatusLine ToStatusLine() => new(OrderId, CheckoutId, BuyerId, StockId, Quantity);
}
