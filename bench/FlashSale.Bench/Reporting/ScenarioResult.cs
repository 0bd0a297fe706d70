namespace Shop.Bench.Reporting;

/// <summary>Latency of a set of answers, in milliseconds, measured from each request's intended send time.</summary>
public sealed record LatencySummary(long Count, double RatePerSecond, double P50Ms, double P99Ms, double P999Ms, double MaxMs)
{
    public static LatencySummary From(LatencyHistogram histogram, double seconds) => new(
        histogram.Count,
        seconds > 0 ? histogram.Count / seconds : 0,
        histogram.Percentile(50) / 1000.0,
        histogram.Percentile(99) / 1000.0,
        histogram.Percentile(99.9) / 1000.0,
        histogram.MaxMicroseconds / 1000.0);
}

/// <summary>One measured run of the generator against one system, with what was checked afterwards.</summary>
public sealed record ScenarioResult
{
    public required string Name { get; init; }

    /// <summary>shop, baseline, bare-kestrel, catalog-api.</summary>
    public required string System { get; init; }

    public required string Description { get; init; }

    public required double OfferedRate { get; init; }

    public required double DurationSeconds { get; init; }

    public required long Scheduled { get; init; }

    public required long Sent { get; init; }

    /// <summary>Due while MaxInFlight requests were outstanding: not sent (the system was too slow to keep up).</summary>
    public required long GeneratorOverruns { get; init; }

    /// <summary>Still unanswered when the drain time ran out (counted as errors).</summary>
    public required long Unfinished { get; init; }

    public required long Completed { get; init; }

    /// <summary>Answers per second, from the first intended send to the last answer.</summary>
    public required double AchievedRate { get; init; }

    public required double ElapsedSeconds { get; init; }

    /// <summary>"all" and each outcome that occurred.</summary>
    public required IReadOnlyDictionary<string, LatencySummary> Latency { get; init; }

    /// <summary>How late the generator sent requests after their intended time (its own share of the latency).</summary>
    public required LatencySummary SendLag { get; init; }

    public required IReadOnlyDictionary<string, long> Errors { get; init; }

    /// <summary>From the first intended send to the 202 that took the last unit.</summary>
    public double? TimeToSellOutMs { get; init; }

    /// <summary>From the first intended send until the last order was durable (its row's timestamp).</summary>
    public double? TimeToDurableMs { get; init; }

    /// <summary>From the sell-out until the last order was durable.</summary>
    public double? DurableAfterSellOutMs { get; init; }

    public AuditResult? Audit { get; init; }

    /// <summary>A basket-checkout run's own figures and audit (null for every other scenario).</summary>
    public CheckoutFigures? Checkout { get; init; }

    public IReadOnlyList<CpuShare> Cpu { get; init; } = [];

    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();

    /// <summary>Answers that decided a buy or a checkout (a refused basket is a decision as much as an accepted one).</summary>
    public double Decisions => Count("reserved") + Count("sold-out") + Count("over-limit") + Count("refused");

    public double DecisionRate => ElapsedSeconds > 0 ? Decisions / ElapsedSeconds : 0;

    /// <summary>
    /// The part whose processes answer this scenario's requests: ordering-api for Shop, baseline-api for the baseline
    /// (a report saved before the baseline had its own service measured it in ordering-api, which served it then).
    /// </summary>
    public string ServingPart() => System switch
    {
        "baseline" when Cpu.Count == 0 || Cpu.Any(c => c.Part == BaselineComposition.Resource) => BaselineComposition.Resource,
        "catalog-api" => "catalog-api",
        "storefront" => "webfrontend",
        _ when System.StartsWith("bare", StringComparison.Ordinal) => "bare kestrel",
        _ => "ordering-api",
    };

    /// <summary>The serving part's CPU per answer, in µs (null without a CPU measurement or answers).</summary>
    public double? ServerMicrosecondsPerAnswer() =>
        AchievedRate > 0 && Cpu.FirstOrDefault(c => c.Part == ServingPart()) is { } server ? server.Cores * 1e6 / AchievedRate : null;

    public long Count(string outcome) => Latency.TryGetValue(outcome, out var summary) ? summary.Count : 0;

    public LatencySummary All => Latency["all"];

    /// <summary>Answers of one outcome per second over the run.</summary>
    public double RateOf(string outcome) => Latency.TryGetValue(outcome, out var summary) ? summary.RatePerSecond : 0;

    public static string OutcomeName(Outcome outcome) => outcome switch
    {
        Outcome.Reserved => "reserved",
        Outcome.SoldOut => "sold-out",
        Outcome.OverLimit => "over-limit",
        Outcome.Shed => "shed",
        Outcome.Error => "error",
        Outcome.Refused => "refused",
        _ => "ok",
    };

    public static ScenarioResult From(string name, string system, string description, GeneratorResult run, IReadOnlyDictionary<string, long>? errors = null)
    {
        var seconds = run.Elapsed.TotalSeconds;
        var latency = new Dictionary<string, LatencySummary> { ["all"] = LatencySummary.From(run.Latencies.All(), seconds) };
        foreach (var outcome in Enum.GetValues<Outcome>())
        {
            if (run.Latencies.Count(outcome) > 0)
            {
                latency[OutcomeName(outcome)] = LatencySummary.From(run.Latencies[outcome], seconds);
            }
        }
        return new ScenarioResult
        {
            Name = name,
            System = system,
            Description = description,
            OfferedRate = run.Settings.Rate,
            DurationSeconds = run.Settings.Duration.TotalSeconds,
            Scheduled = run.Scheduled,
            Sent = run.Sent,
            GeneratorOverruns = run.Overruns,
            Unfinished = run.Unfinished,
            Completed = run.Completed,
            AchievedRate = run.AchievedRate,
            ElapsedSeconds = seconds,
            Latency = latency,
            SendLag = LatencySummary.From(run.Latencies.SendLag, seconds),
            Errors = errors ?? new Dictionary<string, long>(),
        };
    }
}
