namespace Shop.IntegrationEvents;

/// <summary>
/// Published by Ordering when the stock of catalog items moved (checkouts, expiries and cancellations, restocks):
/// the units each item has available now, as Ordering's gate counts them. Coalesced: at most about one event a
/// second, each naming every item that moved since the last one (with its figure at <see cref="IntegrationEvent.OccurredAt"/>),
/// however many orders moved it. Catalog shows these figures as the items' available stock. Events may arrive late
/// or out of order: a subscriber keeps, per item, the figure of the latest <see cref="IntegrationEvent.OccurredAt"/>.
/// Routing key <see cref="EventTopology.ItemStocksChangedRoutingKey"/>.
/// </summary>
public sealed record ItemStocksChanged : IntegrationEvent
{
    public required IReadOnlyList<ItemStockFigure> Items { get; init; }
}

/// <summary>An item's units available now (what a checkout can still take).</summary>
public sealed record ItemStockFigure(int ItemId, long Available);
