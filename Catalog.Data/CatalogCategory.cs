namespace Shop.Catalog.Data;

/// <summary>A shelf of the shop: every item belongs to exactly one category.</summary>
public sealed class CatalogCategory
{
    public const int NameMaxLength = 50;

    public int Id { get; set; }

    public required string Name { get; set; }
}
