using Shop.IntegrationEvents;

namespace Shop.EventBus.Tests;

/// <summary>
/// The queues the services declare keep the names they had (a durable queue's name and arguments are its identity on
/// the broker: a new name would strand what waits in the old queue). monitoring/alerts.yml and the dashboards name them too.
/// </summary>
public sealed class SubscriberQueueTests
{
    [Fact]
    public void Ordering_subscribes_to_catalogs_events_with_its_own_dead_letters()
    {
        var queue = EventTopology.OrderingCatalogEvents;
        Assert.Equal("ordering.catalog-events", queue.Name);
        Assert.Equal(["catalog.flash-sale.changed", "catalog.item.changed"], queue.RoutingKeys);
        Assert.Equal("ordering.catalog-events.dead-letter", queue.DeadLetterExchange);
        Assert.Equal("ordering.catalog-events.dead", queue.DeadLetterQueue);
    }

    [Fact]
    public void Catalog_subscribes_to_orderings_stock_figures_with_its_own_dead_letters()
    {
        var queue = EventTopology.CatalogOrderingEvents;
        Assert.Equal("catalog.ordering-events", queue.Name);
        Assert.Equal(["ordering.item-stocks.changed"], queue.RoutingKeys);
        Assert.Equal("catalog.ordering-events.dead-letter", queue.DeadLetterExchange);
        Assert.Equal("catalog.ordering-events.dead", queue.DeadLetterQueue);
    }
}
