using System.Diagnostics;
using Shop.Bench.Reporting;

namespace Shop.Bench.Tests;

/// <summary>An A/B table puts each run's figures over its own run's ceilings, never over another run's.</summary>
public sealed class RunComparisonTests
{
    private static readonly MachineFacts Machine = new()
    {
        ProcessorCount = 2, CpuModel = "test", Os = "test", Runtime = "test", MemoryMegabytes = 1, LoadAverageAtStart = "0",
        FsyncMedianMicroseconds = 500, FsyncP99Microseconds = 1_500, PgTestFsync = [],
    };

    [Fact]
    public void Each_run_is_divided_by_its_own_ceiling_and_its_own_bare_Kestrel()
    {
        // Run a: K 20,000/s, bare Kestrel 0.6 core = 30 µs per answer; its storm 5,000/s on 0.5 core = 100 µs.
        // Run b: the machine twice as fast (K 40,000/s, 15 µs), the storm 10,000/s at 50 µs: the same fractions.
        var a = Report(k: 20_000, bareCores: 0.6, stormRate: 5_000, stormCores: 0.5);
        var b = Report(k: 40_000, bareCores: 0.6, stormRate: 10_000, stormCores: 0.5);

        var table = RunComparison.Render([("a1", a), ("b1", b)]);

        Assert.Contains("| a1 | 20,000 | 30.0 |", table, StringComparison.Ordinal);
        Assert.Contains("| b1 | 40,000 | 15.0 |", table, StringComparison.Ordinal);
        Assert.Contains("### sold-out storm (shop)", table, StringComparison.Ordinal);
        Assert.Contains("| a1 | 40,000 | 5,000 | 0.250 | 1 | 100.0 | 3.33 |", table, StringComparison.Ordinal);
        Assert.Contains("| b1 | 40,000 | 10,000 | 0.250 | 1 | 50.0 | 3.33 |", table, StringComparison.Ordinal);
    }

    /// <summary>
    /// The baseline's server CPU is baseline-api's, the bench's own service; a report saved while ordering-api served
    /// the baseline (no baseline-api part) still reads it from ordering-api.
    /// </summary>
    [Fact]
    public void The_baselines_server_is_baseline_api_and_in_an_older_report_ordering_api()
    {
        var now = Result("sale", "baseline", 20_000, 1_000, Outcome.SoldOut) with
        {
            Cpu = [new CpuShare("ordering-api", 0.01), new CpuShare(BaselineComposition.Resource, 0.5)],
        };
        var older = Result("sale", "baseline", 20_000, 1_000, Outcome.SoldOut) with { Cpu = [new CpuShare("ordering-api", 0.4)] };

        Assert.Equal(BaselineComposition.Resource, now.ServingPart());
        Assert.Equal(500, now.ServerMicrosecondsPerAnswer()!.Value, 6);
        Assert.Equal("ordering-api", older.ServingPart());
        Assert.Equal(400, older.ServerMicrosecondsPerAnswer()!.Value, 6);
        Assert.Equal("ordering-api", (now with { System = "shop" }).ServingPart());
    }

    [Fact]
    public void Runs_with_the_same_file_name_are_labelled_by_their_folder_too()
    {
        string[] files = ["/r/a1/2026-12-07-soldout.json", "/r/b1/2026-12-07-soldout.json", "/r/x.json"];

        Assert.Equal("a1/2026-12-07-soldout", RunComparison.Label(files[0], files));
        Assert.Equal("x", RunComparison.Label(files[2], files));
    }

    private static BenchReport Report(double k, double bareCores, double stormRate, double stormCores) => new()
    {
        Title = "test", StartedAt = DateTimeOffset.UnixEpoch, TotalSeconds = 1, CommandLine = "test", Machine = Machine,
        Settings = new Dictionary<string, string>(), Ratios = [], Targets = [], Notes = [],
        Ceilings = [new CeilingResult("Bare Kestrel JSON endpoint", "test", k, 0.5, 3)],
        Scenarios =
        [
            Result("bare kestrel, saturated", "bare-kestrel", k * 2, k, Outcome.Reserved) with { Cpu = [new CpuShare("bare kestrel", bareCores)] },
            Result("sold-out storm", "shop", 40_000, stormRate, Outcome.SoldOut) with { Cpu = [new CpuShare("ordering-api", stormCores)] },
        ],
    };

    private static ScenarioResult Result(string name, string system, double offered, double answersPerSecond, Outcome outcome)
    {
        var latencies = new LatencyRecorder();
        var answers = (long)(answersPerSecond * 3);
        for (var i = 0; i < answers; i++)
        {
            latencies.Record(outcome, Stopwatch.Frequency / 1000);
        }
        var settings = new LoadSettings(offered, TimeSpan.FromSeconds(3));
        var run = new GeneratorResult(settings, latencies, settings.Requests, answers, settings.Requests - answers, 0, 0, DateTimeOffset.UnixEpoch, 0);
        return ScenarioResult.From(name, system, "test", run) with { AchievedRate = answersPerSecond };
    }
}
