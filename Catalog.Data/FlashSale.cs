namespace Shop.Catalog.Data;

/// <summary>
/// A flash sale: <see cref="Quantity"/> units of one item at <see cref="SalePrice"/> between <see cref="StartsAt"/>
/// and <see cref="EndsAt"/>, at most <see cref="PerBuyerLimit"/> per buyer. Catalog owns the definition; Ordering
/// arms it from the <c>FlashSaleChanged</c> announcements (docs/architecture.md, "Arming a sale"). The rules live in
/// <see cref="FlashSales.FlashSaleRules"/>.
/// </summary>
public sealed class FlashSale
{
    public Guid Id { get; set; }

    public int ItemId { get; set; }

    public CatalogItem Item { get; set; } = null!;

    public decimal SalePrice { get; set; }

    public int Quantity { get; set; }

    public int PerBuyerLimit { get; set; }

    public DateTimeOffset StartsAt { get; set; }

    public DateTimeOffset EndsAt { get; set; }

    public FlashSaleState State { get; set; }

    /// <summary>
    /// 1 when created, +1 on every change; announced as <c>FlashSaleChanged.Version</c> and used as the optimistic
    /// concurrency token, so two admins editing one sale at once cannot both win.
    /// </summary>
    public long Version { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>What an admin made of the sale. Whether it is upcoming, live or over follows from its window.</summary>
public enum FlashSaleState
{
    Scheduled,
    Cancelled,
}
