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
        var options = new BenchOptions { SoldOutRate = 40_000, CatalogRate = 10_000, CheckoutRate = 5_600 };

        var (raised, notes) = StormRates.AtLeastTheCeilings(options, Ceilings);

        Assert.Equal(40_000, raised.SoldOutRate); // already above 1.1 × K
        Assert.Equal(25_800, raised.CatalogRate); // 1.1 × 23,411 = 25,752, rounded up to the hundred
        Assert.Equal(20_900, raised.CheckoutRate); // 1.1 × the best reserve.lua figure, 18,984
        Assert.Equal(2, notes.Count);
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
