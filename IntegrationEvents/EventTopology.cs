namespace Shop.IntegrationEvents;

/// <summary>Where integration events travel: one durable topic exchange, a routing key per event type.</summary>
public static class EventTopology
{
    /// <summary>Durable topic exchange that carries every integration event.</summary>
    public const string Exchange = "shop.events";

    public const string FlashSaleChangedRoutingKey = "catalog.flash-sale.changed";

    public const string CatalogItemChangedRoutingKey = "catalog.item.changed";

    /// <summary>The RabbitMQ <c>type</c> property of each message names its event.</summary>
    public const string FlashSaleChangedType = nameof(FlashSaleChanged);

    public const string CatalogItemChangedType = nameof(CatalogItemChanged);

    /// <summary>Ordering's coalesced stock figures of catalog items (<see cref="ItemStocksChanged"/>).</summary>
    public const string ItemStocksChangedRoutingKey = "ordering.item-stocks.changed";

    public const string ItemStocksChangedType = nameof(ItemStocksChanged);

    /// <summary>Every order status event's routing key starts with this; bind <c>ordering.order.*</c> for all of them.</summary>
    public const string OrderStatusRoutingKeyPrefix = "ordering.order.";

    public const string OrderStatusChangedType = nameof(OrderStatusChanged);

    /// <summary><c>ordering.order.confirmed</c>, <c>.paid</c>, <c>.expired</c> or <c>.cancelled</c>.</summary>
    public static string OrderStatusRoutingKey(OrderEventStatus status) => status switch
    {
        OrderEventStatus.Confirmed => OrderStatusRoutingKeyPrefix + "confirmed",
        OrderEventStatus.Paid => OrderStatusRoutingKeyPrefix + "paid",
        OrderEventStatus.Expired => OrderStatusRoutingKeyPrefix + "expired",
        OrderEventStatus.Cancelled => OrderStatusRoutingKeyPrefix + "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Not an order status."),
    };
}
