namespace Shop.Bench.Reporting;

/// <summary>A ceiling: the most the bare parts give on this machine, measured in the same run.</summary>
public sealed record CeilingResult(string Name, string How, double RatePerSecond, double? P50Ms, double? P99Ms)
{
    /// <summary>K: the bare Kestrel ceiling of a run (its name starts "Bare Kestrel"), or null when it was not measured.</summary>
    public static CeilingResult? Kestrel(IEnumerable<CeilingResult> ceilings) =>
        ceilings.FirstOrDefault(c => c.Name.StartsWith("Bare Kestrel", StringComparison.Ordinal));

    /// <summary>L: the best of a run's reserve.lua ceilings (their names start "Redis"), or null when none was measured.</summary>
    public static CeilingResult? Lua(IEnumerable<CeilingResult> ceilings) =>
        ceilings.Where(c => c.Name.StartsWith("Redis", StringComparison.Ordinal)).MaxBy(c => c.RatePerSecond);
}

/// <summary>One step of the ramp and whether it held the p99 limit.</summary>
public sealed record RampStep(double OfferedRate, ScenarioResult Result, bool Held, string Verdict);

public sealed record RampResult(IReadOnlyList<RampStep> Steps, double? HighestRateHeld, double MaxDecisionRate, double P99LimitMs, AuditResult? Audit);

/// <summary>A comparison: Shop against the baseline (× times) or against a ceiling (a fraction of it).</summary>
public sealed record Ratio(string Name, double Value, string Meaning, bool IsFraction = false);

/// <summary>
/// A number Shop aims at, what this run measured, and whether it met it; <paramref name="Field"/> names the fields of the
/// report's JSON the check is computed from.
/// </summary>
public sealed record TargetCheck(string Target, string Measured, bool? Met, string Note, string? AgainstCeiling = null, string? Field = null);

public sealed record BenchReport
{
    public required string Title { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required double TotalSeconds { get; init; }

    public required string CommandLine { get; init; }

    public required MachineFacts Machine { get; init; }

    public required IReadOnlyDictionary<string, string> Settings { get; init; }

    public required IReadOnlyList<ScenarioResult> Scenarios { get; init; }

    public RampResult? Ramp { get; init; }

    public required IReadOnlyList<CeilingResult> Ceilings { get; init; }

    public required IReadOnlyList<Ratio> Ratios { get; init; }

    public required IReadOnlyList<TargetCheck> Targets { get; init; }

    public required IReadOnlyList<string> Notes { get; init; }

    /// <summary>CPU per part of the app at rest (no load), over <see cref="IdleSeconds"/>.</summary>
    public IReadOnlyList<CpuShare> IdleCpu { get; init; } = [];

    public double IdleSeconds { get; init; }
}
