namespace Shop.IntegrationEvents;

/// <summary>
/// Where integration events travel: one durable topic exchange, a routing key per event type, and the subscribers'
/// queues. Names only; <c>Shop.EventBus</c> declares them.
/// </summary>
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

    /// <summary>
    /// Ordering's worker: <c>ordering.catalog-events</c>, Catalog's <see cref="FlashSaleChanged"/> and
    /// <see cref="CatalogItemChanged"/>, applied one at a time in queue order.
    /// </summary>
    public static readonly SubscriberQueue OrderingCatalogEvents =
        new("ordering.catalog-events", [FlashSaleChangedRoutingKey, CatalogItemChangedRoutingKey]);

    /// <summary>
    /// Catalog: <c>catalog.ordering-events</c>, Ordering's <see cref="ItemStocksChanged"/>. One queue for the catalog:
    /// with several catalog-api replicas they would share its messages, and each replica's snapshot needs all of them
    /// (each would then need a queue of its own).
    /// </summary>
    public static readonly SubscriberQueue CatalogOrderingEvents =
        new("catalog.ordering-events", [ItemStocksChangedRoutingKey]);
}
