using Shop.Bench.Ceilings;
using Shop.Bench.Reporting;

namespace Shop.Bench.Tests;

/// <summary>A storm is offered at least 1.1 × the ceiling it is compared with, measured earlier in the same run.</summary>
public sealed class StormRatesTests
{
    private static readonly CeilingResult[] Ceilings =
    [
        new("Bare Kestrel JSON endpoint", "", 23_411, 1, 2),
        new("Redis reserve.lua, pipelined 64", "", 18_984, null, null),
        new("Redis reserve.lua, one call at a time", "", 4_000, null, null),
    ];

    [Fact]
    public void Storms_below_their_ceiling_are_raised_and_the_report_says_so()
    {
        var options = new BenchOptions { SoldOutRate = 40_000, CatalogRate = 10_000, CheckoutRate = 5_600, StorefrontRate = 20_000 };

        var (raised, notes) = StormRates.AtLeastTheCeilings(options, Ceilings);

        Assert.Equal(40_000, raised.SoldOutRate); // already above 1.1 × K
        Assert.Equal(25_800, raised.CatalogRate); // 1.1 × 23,411 = 25,752, rounded up to the hundred
        Assert.Equal(20_900, raised.CheckoutRate); // 1.1 × the best reserve.lua figure, 18,984
        Assert.Equal(25_800, raised.StorefrontRate); // page views against K, like the catalog
        Assert.Equal(3, notes.Count);
        Assert.Contains(notes, n => n.StartsWith("catalog read storm offered at 25,800/s", StringComparison.Ordinal));
        Assert.Contains(notes, n => n.StartsWith("basket checkout offered at 20,900/s", StringComparison.Ordinal));
    }

    [Fact]
    public void A_quick_run_or_a_run_without_ceilings_keeps_its_rates()
    {
        var quick = new BenchOptions { Quick = true, CatalogRate = 3_000 };
        Assert.Equal(3_000, StormRates.AtLeastTheCeilings(quick, Ceilings).Options.CatalogRate);

        var noCeilings = new BenchOptions { CatalogRate = 10_000 };
        var (kept, notes) = StormRates.AtLeastTheCeilings(noCeilings, []);
        Assert.Equal(10_000, kept.CatalogRate);
        Assert.Empty(notes);
    }
}

/// <summary>The storefront scenario's pool of signed-in shoppers is large enough that no buy is shed by the API's per-buyer bucket.</summary>
public sealed class StorefrontShoppersTests
{
    [Theory]
    [InlineData(1_000, 3, 225)] // 3,000 buys, 5 + 5 × 3 = 20 per shopper → 150, and half again
    [InlineData(300, 1.5, 54)] // 450 buys, 5 + 5 × 1.5 = 12.5 per shopper → 36, and half again
    [InlineData(10, 1, 10)] // never fewer than 10
    public void Enough_shoppers_for_the_rate(double rate, double seconds, int atLeast)
    {
        var needed = Storefront.StorefrontShoppers.Needed(rate, TimeSpan.FromSeconds(seconds), new AdmissionSettings(BuyerBurst: 5, BuyerRequestsPerSecond: 5));

        Assert.True(needed >= atLeast, $"{needed} < {atLeast}");
        var perShopper = 5 + 5 * seconds;
        Assert.True(rate * seconds / needed <= perShopper, "each shopper stays within the bucket");
    }
}
