using System.Diagnostics;
using Shop.Bench.Reporting;

namespace Shop.Bench.Tests;

/// <summary>The targets are fractions of the ceilings of the same run, each naming the JSON fields it is computed from.</summary>
public sealed class TargetsTests
{
    private static readonly CeilingResult[] Ceilings =
    [
        new("Bare Kestrel JSON endpoint", "test", 20_000, 0.5, 3),
        new("Redis reserve.lua, pipelined", "test", 16_000, null, null),
    ];

    private static readonly MachineFacts Machine = new()
    {
        ProcessorCount = 2, CpuModel = "test", Os = "test", Runtime = "test", MemoryMegabytes = 1, LoadAverageAtStart = "0",
        FsyncMedianMicroseconds = 500, FsyncP99Microseconds = 1_500, PgTestFsync = [],
    };

    [Theory]
    [InlineData(8_000, true)] // 0.5 L (and 0.4 K)
    [InlineData(7_900, false)] // under 0.5 L
    public void Reservations_need_half_of_L_and_three_tenths_of_K(double best, bool met)
    {
        var ramp = new RampResult([], null, best, 10, null);

        var target = Single(Targets.Check([], ramp, Ceilings, Machine), "reservations/s");

        Assert.Equal(met, target.Met);
        Assert.Contains("ramp.maxDecisionRate", target.Field, StringComparison.Ordinal);
    }

    [Fact]
    public void The_2000_per_second_step_is_judged_against_F2k_plus_an_fsync_plus_2_ms()
    {
        // F2k 3 ms (bare Kestrel at 2,000/s) + fsync p99 1.5 ms + 2 ms = a bound of 6.5 ms.
        var f2k = Result("bare kestrel, at 2,000/s (F2k)", "bare-kestrel", 2_000, Outcome.Ok, latencyMs: 3);
        var within = new RampResult([new RampStep(2_000, Result("ramp", "shop", 2_000, Outcome.Reserved, latencyMs: 6), true, "held")], 2_000, 2_000, 10, null);
        var over = new RampResult([new RampStep(2_000, Result("ramp", "shop", 2_000, Outcome.Reserved, latencyMs: 7), true, "held")], 2_000, 2_000, 10, null);

        var met = Single(Targets.Check([f2k], within, Ceilings, Machine), "p99 of reservations at 2,000/s");
        var missed = Single(Targets.Check([f2k], over, Ceilings, Machine), "p99 of reservations at 2,000/s");
        var noFloor = Single(Targets.Check([], within, Ceilings, Machine), "p99 of reservations at 2,000/s");

        Assert.True(met.Met);
        Assert.Contains("bound 6.50 ms", met.Note, StringComparison.Ordinal);
        Assert.False(missed.Met);
        Assert.Null(noFloor.Met);
    }

    [Fact]
    public void Storms_need_six_tenths_of_K_and_say_what_the_generator_could_not_send()
    {
        var storm = Result("sold-out storm", "shop", 22_000, Outcome.SoldOut, answersPerSecond: 12_100);
        var catalog = Result("catalog read storm", "catalog-api", 22_000, Outcome.Ok, answersPerSecond: 11_900);

        var targets = Targets.Check([storm, catalog], null, Ceilings, Machine);

        Assert.True(Single(targets, "sold-out answers/s").Met);
        Assert.False(Single(targets, "catalog reads/s").Met);
        Assert.Contains("0.60 K", Single(targets, "catalog reads/s").Measured, StringComparison.Ordinal); // 11,900 / 20,000 = 0.595
        Assert.Contains("% not sent", Single(targets, "sold-out answers/s").Note, StringComparison.Ordinal);
        Assert.Contains("latency[\"sold-out\"].ratePerSecond", Single(targets, "sold-out answers/s").Field, StringComparison.Ordinal);
    }

    [Fact]
    public void Storefront_pages_need_half_of_K_for_the_sale_page_and_a_quarter_for_the_home_page()
    {
        var salePage = Result(Scenarios.StorefrontScenario.SalePage, "storefront", 22_000, Outcome.Ok, answersPerSecond: 10_000);
        var homePage = Result(Scenarios.StorefrontScenario.HomePage, "storefront", 22_000, Outcome.Ok, answersPerSecond: 4_900);

        var targets = Targets.Check([salePage, homePage], null, Ceilings, Machine);

        var sale = Single(targets, "storefront flash-sale page");
        Assert.True(sale.Met); // 10,000 / 20,000 = 0.5 K
        Assert.Contains("0.50 K", sale.Measured, StringComparison.Ordinal);
        Assert.Contains("scenarios[name=\"storefront sale page\", system=\"storefront\"].latency.ok.ratePerSecond", sale.Field, StringComparison.Ordinal);
        Assert.False(Single(targets, "storefront home page").Met); // 4,900 / 20,000 = 0.245 K
        Assert.Null(Single(Targets.Check([], null, Ceilings, Machine), "storefront home page").Met);
    }

    [Fact]
    public void A_scenario_that_was_not_run_is_not_measured_rather_than_missed()
    {
        var targets = Targets.Check([], null, Ceilings, Machine);

        Assert.All(targets, t => Assert.Null(t.Met));
        Assert.Contains(targets, t => t.Target.StartsWith("catalog reads/s", StringComparison.Ordinal) && t.Measured == "not measured");
    }

    private static TargetCheck Single(IReadOnlyList<TargetCheck> targets, string start) =>
        targets.Single(t => t.Target.StartsWith(start, StringComparison.Ordinal));

    /// <summary>A 3-second run at <paramref name="offered"/>/s whose answers were all <paramref name="outcome"/>, each taking <paramref name="latencyMs"/>.</summary>
    private static ScenarioResult Result(string name, string system, double offered, Outcome outcome, double latencyMs = 1, double? answersPerSecond = null)
    {
        var latencies = new LatencyRecorder();
        var answers = (long)((answersPerSecond ?? offered) * 3);
        for (var i = 0; i < answers; i++)
        {
            latencies.Record(outcome, (long)(Stopwatch.Frequency * latencyMs / 1000));
        }
        var settings = new LoadSettings(offered, TimeSpan.FromSeconds(3));
        var run = new GeneratorResult(settings, latencies, settings.Requests, answers, settings.Requests - answers, 0, 0, DateTimeOffset.UnixEpoch, 0);
        return ScenarioResult.From(name, system, "test", run);
    }
}
