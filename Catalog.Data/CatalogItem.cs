namespace Shop.Catalog.Data;

/// <summary>A product on sale in the shop (not necessarily in a flash sale).</summary>
public sealed class CatalogItem
{
    public const int NameMaxLength = 100;

    public const int DescriptionMaxLength = 2000;

    public int Id { get; set; }

    public required string Name { get; set; }

    public required string Description { get; set; }

    /// <summary>The regular price, in the shop's currency, two decimals.</summary>
    public decimal Price { get; set; }

    public int CategoryId { get; set; }

    public CatalogCategory Category { get; set; } = null!;

    /// <summary>
    /// The units the admin made available for regular orders at <see cref="StockVersion"/> ("from now on, this many
    /// can be sold"); Ordering owns the live figure from then on (docs/checkout.md). Flash-sale units are counted by
    /// the sale's own quantity.
    /// </summary>
    public int AvailableStock { get; set; }

    /// <summary>
    /// 1 when created (or first announced, for items seeded before announcements existed), +1 on every change;
    /// announced as <c>CatalogItemChanged.Version</c> and the optimistic concurrency token, so two admins editing one
    /// item at once cannot both announce the same version. 0 means "never announced".
    /// </summary>
    public long Version { get; set; }

    /// <summary>The <see cref="Version"/> at which <see cref="AvailableStock"/> was last set; Ordering applies a stock once per stock version.</summary>
    public long StockVersion { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
