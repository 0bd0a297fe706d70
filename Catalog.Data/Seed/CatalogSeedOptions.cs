namespace Shop.Catalog.Data.Seed;

/// <summary>
/// What the migrations resource seeds after catalogdb's migrations (section <c>Catalog:Seed</c>: its configuration,
/// not catalog-api's). The accounts are identitydb's (Identity.Data's IdentitySeedOptions).
/// </summary>
public sealed class CatalogSeedOptions
{
    public const string SectionName = "Catalog:Seed";

    /// <summary>Categories and items, once, into an empty catalog.</summary>
    public bool Catalog { get; set; } = true;

    /// <summary>At each run (each start of the app), when no sale is live or upcoming: one live sale and one upcoming sale, announced.</summary>
    public bool DemoSales { get; set; } = true;
}
