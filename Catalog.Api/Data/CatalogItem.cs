namespace Shop.Catalog.Api.Data;

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

    /// <summary>Units in the warehouse for regular orders; flash-sale units are counted by the sale's own quantity.</summary>
    public int AvailableStock { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
