using System.Diagnostics;
using Shop.Bench.Checkout;
using Shop.Bench.Reporting;

namespace Shop.Bench.Tests;

/// <summary>The checkout scenario's options, its target and its place in the report (no servers).</summary>
public sealed class CheckoutReportTests
{
    [Fact]
    public void The_checkout_scenario_is_selectable_and_part_of_the_full_run()
    {
        Assert.True(BenchOptions.Parse([]).Runs("checkout"));
        var only = BenchOptions.Parse(["--scenario", "checkout", "--quick", "--checkout-rate", "800", "--checkout-duration", "0.5", "--checkout-items", "5",
            "--checkout-stock", "40", "--checkout-repeat", "0.2"]);
        Assert.True(only.Runs("checkout"));
        Assert.False(only.Runs("sale"));
        Assert.Equal((800d, 0.5, 5, 40, 0.2), (only.CheckoutRate, only.CheckoutDuration.TotalSeconds, only.CheckoutItems, only.CheckoutStock!.Value, only.CheckoutRepeatShare));
        Assert.True(BenchOptions.Parse(["--scenario", "sale,checkout"]).Runs("checkout"));
    }

    [Theory]
    [InlineData("--checkout-items", "0")]
    [InlineData("--checkout-items", "21")]
    [InlineData("--checkout-repeat", "1.5")]
    [InlineData("--checkout-stock", "0")]
    public void Impossible_checkout_settings_are_refused(string option, string value) =>
        Assert.Throws<ArgumentException>(() => BenchOptions.Parse([option, value]));

    [Fact]
    public void The_default_offers_at_least_five_thousand_new_checkouts_per_second_besides_the_repeats()
    {
        var options = new BenchOptions();
        var plan = BasketPlan.Create(new BasketPlanSettings((long)(options.CheckoutRate * options.CheckoutDuration.TotalSeconds), [1, 2, 3, 4, 5, 6], "k",
            RepeatShare: options.CheckoutRepeatShare), n => 0, _ => "buyer");

        Assert.InRange(plan.Attempts.Count / options.CheckoutDuration.TotalSeconds, 5_000, 5_200);
    }

    [Fact]
    public void The_target_is_a_quarter_of_L_judged_on_checkouts_decided_per_second()
    {
        var ceilings = new List<CeilingResult>
        {
            new("Bare Kestrel JSON endpoint", "test", 40_000, 0.2, 10),
            new("Redis reserve.lua, redis-benchmark -P 16", "test", 20_000, 20, 50),
        };

        var (ratios, met) = ReportBuilder.Compare([Checkout(decidedPerSecond: 5_200, attempts: 15_000)], null, ceilings);
        var (_, missed) = ReportBuilder.Compare([Checkout(decidedPerSecond: 3_000, attempts: 15_000)], null, ceilings);
        var (_, withoutL) = ReportBuilder.Compare([Checkout(decidedPerSecond: 5_200, attempts: 15_000)], null, [ceilings[0]]);

        Assert.True(Target(met).Met);
        Assert.Contains("5,200/s = 0.26 L (L 20,000/s)", Target(met).Measured, StringComparison.Ordinal);
        Assert.Contains("checkout.checkoutsDecidedPerSecond", Target(met).Field, StringComparison.Ordinal);
        Assert.False(Target(missed).Met);
        Assert.Null(Target(withoutL).Met);
        Assert.Contains(ratios, r => r.Name.StartsWith("checkouts decided/s ÷ bare Kestrel", StringComparison.Ordinal) && Math.Abs(r.Value - 0.13) < 1e-9);
        Assert.True(met.Single(t => t.Target.StartsWith("zero oversell", StringComparison.Ordinal)).Met);
    }

    [Fact]
    public void A_dirty_checkout_audit_fails_the_zero_oversell_target()
    {
        var dirty = Checkout(5_200, 15_000, audit => audit with { Incomplete = 1 });

        var (_, targets) = ReportBuilder.Compare([dirty], null, []);

        var zero = targets.Single(t => t.Target.StartsWith("zero oversell", StringComparison.Ordinal));
        Assert.False(zero.Met);
        Assert.Contains("lost 1", zero.Measured, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_the_scenario_the_target_says_not_measured()
    {
        var sale = Result("sale", Outcome.Reserved, 5_000);

        var (_, targets) = ReportBuilder.Compare([sale], null, []);

        Assert.Equal("not measured", targets.Single(t => t.Target.StartsWith("basket checkouts", StringComparison.Ordinal)).Measured);
    }

    [Fact]
    public void The_report_shows_the_checkout_section_and_survives_a_round_trip_through_json()
    {
        var folder = Directory.CreateTempSubdirectory("bench-report-test-");
        try
        {
            var scenarios = new[] { Checkout(5_200, 15_000) };
            var (ratios, targets) = ReportBuilder.Compare(scenarios, null, []);
            var report = new BenchReport
            {
                Title = "test", StartedAt = DateTimeOffset.UnixEpoch, TotalSeconds = 1, CommandLine = "test",
                Machine = new MachineFacts { ProcessorCount = 2, CpuModel = "test", Os = "test", Runtime = "test", MemoryMegabytes = 1, LoadAverageAtStart = "0", FsyncMedianMicroseconds = 1, FsyncP99Microseconds = 2, PgTestFsync = [] },
                Settings = new Dictionary<string, string>(), Scenarios = scenarios, Ceilings = [], Ratios = ratios, Targets = targets, Notes = [],
            };

            var files = ReportWriter.Write(report, folder.FullName, "checkout", latest: false);
            var markdown = MarkdownReport.Render(ReportWriter.Read(files.Single(f => f.EndsWith(".json", StringComparison.Ordinal))));

            Assert.Contains("## Checkout: baskets, durability, audit", markdown, StringComparison.Ordinal);
            Assert.Contains("| checkout | 900001 | 100 |", markdown, StringComparison.Ordinal);
            Assert.Equal(MarkdownReport.Render(report), markdown);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static TargetCheck Target(IReadOnlyList<TargetCheck> targets) =>
        targets.Single(t => t.Target.StartsWith("basket checkouts", StringComparison.Ordinal));

    private static ScenarioResult Checkout(double decidedPerSecond, long attempts, Func<CheckoutAuditResult, CheckoutAuditResult>? change = null)
    {
        var audit = new CheckoutAuditResult
        {
            Items = [new ItemAudit { ItemId = 900_001, StockId = Shop.Ordering.Core.ItemStocks.StockId(900_001), Stock = 100, AcceptedUnits = 90, LiveUnits = 90, LedgerInitial = 100, LedgerRemaining = 10 }],
            Attempts = attempts, AttemptsSentTwice = attempts / 10, AcceptedOrders = (long)(decidedPerSecond * 3 / 2), RefusedBaskets = (long)(decidedPerSecond * 3 / 2),
            AcceptedLines = 0, CheckoutsInDatabase = (long)(decidedPerSecond * 3 / 2), LinesInDatabase = 0, RepeatsSameOrder = 0, RepeatsDiverged = 0,
            Duplicates = 0, Lost = 0, Incomplete = 0, RefusedPersisted = 0, Unacknowledged = 0, Drained = true, LastDurableAt = null,
        };
        audit = change?.Invoke(audit) ?? audit;
        return Result("checkout", Outcome.Refused, (long)(decidedPerSecond * 3)) with
        {
            Checkout = new CheckoutFigures
            {
                ItemIds = [900_001], StockPerItem = 100, StockRule = "test", MeanLines = 3, MeanUnits = 6,
                CheckoutsDecidedPerSecond = decidedPerSecond, OrdersPerSecond = decidedPerSecond / 2, Audit = audit,
            },
        };
    }

    /// <summary>A 3-second run at 5,500/s whose answers were all <paramref name="outcome"/>.</summary>
    private static ScenarioResult Result(string name, Outcome outcome, long answers)
    {
        var latencies = new LatencyRecorder();
        for (var i = 0; i < answers; i++)
        {
            latencies.Record(outcome, Stopwatch.Frequency / 1000);
        }
        var settings = new LoadSettings(5_500, TimeSpan.FromSeconds(3));
        var run = new GeneratorResult(settings, latencies, settings.Requests, settings.Requests, 0, 0, 0, DateTimeOffset.UnixEpoch, 0);
        return ScenarioResult.From(name, "shop", "test", run);
    }
}
