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
}
