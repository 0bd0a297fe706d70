namespace Shop.IntegrationEvents;

/// <summary>
/// Published by Catalog when an item is created, changed or deleted; Ordering keeps the item's stock in its ledger and
/// gates it in Redis from it (docs/architecture.md, "One inventory model"). Like <see cref="FlashSaleChanged"/> it
/// carries the item's whole current state and a <see cref="Version"/> that grows with every change, so a late, older
/// event is ignored. Routing key <see cref="EventTopology.CatalogItemChangedRoutingKey"/>.
/// </summary>
public sealed record CatalogItemChanged : IntegrationEvent
{
    public required int ItemId { get; init; }

    public required string Name { get; init; }

    /// <summary>The regular price a checkout pays per unit.</summary>
    public required decimal Price { get; init; }

    /// <summary>
    /// The units the admin made available at <see cref="StockVersion"/>: "from now on, this many can be sold".
    /// Ordering applies it once per stock version, so a change of name or price (same stock version) never
    /// resets the stock of an item that has been selling since.
    /// </summary>
    public required int Stock { get; init; }

    /// <summary>The <see cref="Version"/> at which the admin last set <see cref="Stock"/>.</summary>
    public required long StockVersion { get; init; }

    /// <summary>The item was deleted: nothing more of it may be sold.</summary>
    public required bool Deleted { get; init; }

    /// <summary>Increases with every change of the item (1 for the first announcement).</summary>
    public required long Version { get; init; }
}
