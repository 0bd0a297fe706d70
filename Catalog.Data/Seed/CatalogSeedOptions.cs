namespace Shop.Catalog.Data.Seed;

/// <summary>
/// What the migrations resource seeds after catalogdb's migrations (section <c>Catalog:Seed</c>: its configuration,
/// not catalog-api's). The demo passwords are documented in the README; set other ones (or turn
/// <see cref="DemoUsers"/> off) for anything but a demo.
/// </summary>
public sealed class CatalogSeedOptions
{
    public const string SectionName = "Catalog:Seed";

    /// <summary>Categories and items, once, into an empty catalog.</summary>
    public bool Catalog { get; set; } = true;

    /// <summary>The admin and the demo shoppers, each once (by user name).</summary>
    public bool DemoUsers { get; set; } = true;

    /// <summary>At each run (each start of the app), when no sale is live or upcoming: one live sale and one upcoming sale, announced.</summary>
    public bool DemoSales { get; set; } = true;

    public string AdminPassword { get; set; } = "Admin@word1";

    public string ShopperPassword { get; set; } = "Pass@word1";
}
