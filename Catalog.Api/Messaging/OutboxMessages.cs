using System.Text.Json;
using Shop.Catalog.Api.Data;
using Shop.IntegrationEvents;

namespace Shop.Catalog.Api.Messaging;

/// <summary>Builds outbox rows for the integration events Catalog publishes.</summary>
public static class OutboxMessages
{
    /// <summary>
    /// The <see cref="FlashSaleChanged"/> announcement of <paramref name="sale"/> as it is now (its whole definition
    /// and its current version). Add it to the same context and save once: the change and its announcement are
    /// committed together or not at all.
    /// </summary>
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
        return new OutboxMessage
        {
            Id = @event.EventId,
            Type = EventTopology.FlashSaleChangedType,
            RoutingKey = EventTopology.FlashSaleChangedRoutingKey,
            Payload = JsonSerializer.Serialize(@event, IntegrationEventsJsonContext.Default.FlashSaleChanged),
            OccurredAt = now,
            NextAttemptAt = now,
        };
    }
}
