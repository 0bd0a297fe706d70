using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Shop.IntegrationEvents;
using Shop.ServiceDefaults.Telemetry;

namespace Shop.Catalog.Data;

/// <summary>
/// Builds outbox rows for the integration events Catalog publishes. Add the row to the same context as the change it
/// announces and save once: the change and its announcement are committed together or not at all. Each row keeps the
/// current (recorded) trace, so that publishing and the subscriber's handling join the request that made the change.
/// </summary>
public static class OutboxMessages
{
    /// <summary>The <see cref="FlashSaleChanged"/> announcement of <paramref name="sale"/> as it is now (its whole definition and its current version).</summary>
    public static OutboxMessage FlashSaleChanged(FlashSale sale, CatalogItem item, DateTimeOffset now)
    {
        var @event = new FlashSaleChanged
        {
            EventId = Guid.CreateVersion7(now),
            OccurredAt = now,
            SaleId = sale.Id,
            ItemId = item.Id,
            ItemName = item.Name,
            RegularPrice = item.Price,
            SalePrice = sale.SalePrice,
            Quantity = sale.Quantity,
            PerBuyerLimit = sale.PerBuyerLimit,
            StartsAt = sale.StartsAt,
            EndsAt = sale.EndsAt,
            Status = sale.State == FlashSaleState.Cancelled ? FlashSaleStatus.Cancelled : FlashSaleStatus.Scheduled,
            Version = sale.Version,
        };
        return Row(@event, EventTopology.FlashSaleChangedType, EventTopology.FlashSaleChangedRoutingKey,
            IntegrationEventsJsonContext.Default.FlashSaleChanged, now);
    }

    /// <summary>
    /// The <see cref="CatalogItemChanged"/> announcement of <paramref name="item"/> as it is now: its current
    /// <see cref="CatalogItem.Version"/> and <see cref="CatalogItem.StockVersion"/>, which the caller has already
    /// advanced. <paramref name="deleted"/> for the item's last announcement, saved with its removal.
    /// </summary>
    public static OutboxMessage CatalogItemChanged(CatalogItem item, DateTimeOffset now, bool deleted = false)
    {
        var @event = new CatalogItemChanged
        {
            EventId = Guid.CreateVersion7(now),
            OccurredAt = now,
            ItemId = item.Id,
            Name = item.Name,
            Price = item.Price,
            Stock = item.AvailableStock,
            StockVersion = item.StockVersion,
            Deleted = deleted,
            Version = item.Version,
        };
        return Row(@event, EventTopology.CatalogItemChangedType, EventTopology.CatalogItemChangedRoutingKey,
            IntegrationEventsJsonContext.Default.CatalogItemChanged, now);
    }

    private static OutboxMessage Row<TEvent>(TEvent @event, string type, string routingKey, JsonTypeInfo<TEvent> typeInfo, DateTimeOffset now)
        where TEvent : IntegrationEvent => new()
        {
            Id = @event.EventId,
            Type = type,
            RoutingKey = routingKey,
            Payload = JsonSerializer.Serialize(@event, typeInfo),
            OccurredAt = now,
            NextAttemptAt = now,
            TraceParent = TraceParents.Current() is { Length: > 0 } traceParent ? traceParent : null,
        };
}
