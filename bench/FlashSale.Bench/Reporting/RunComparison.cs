using System.Globalization;
using System.Text;

namespace Shop.Bench.Reporting;

/// <summary>
/// Saved runs side by side, for an interleaved A/B (<c>FlashSale.Bench --compare a1.json b1.json a2.json …</c>): for
/// each scenario the runs share, each run's answers/s as a fraction of its own K, and its serving process's CPU per
/// answer as a multiple of its own bare Kestrel's. Both are divided by a ceiling of the same run because this machine's
/// speed drifts 2–3× within a day: raw rates of two runs say more about the hour than about the change.
/// </summary>
public static class RunComparison
{
    /// <param name="runs">Each run's label (its file's name, say) and report, in the order they ran.</param>
    public static string Render(IReadOnlyList<(string Label, BenchReport Report)> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var md = new StringBuilder();
        void Line(string text = "") => md.Append(text).Append('\n');

        Line("| run | K (bare Kestrel)/s | bare Kestrel µs/answer |");
        Line("| --- | --- | --- |");
        foreach (var (label, report) in runs)
        {
            Line($"| {label} | {F(Ceiling(report), "N0")} | {F(BareMicroseconds(report), "N1")} |");
        }

        // Scenarios in the order the first run that has them ran them; the bare Kestrel's are the ceilings above.
        var scenarios = runs.SelectMany(r => r.Report.Scenarios).Where(s => s.System != "bare-kestrel")
            .Select(s => (s.Name, s.System)).Distinct().ToList();
        foreach (var (name, system) in scenarios)
        {
            Line();
            Line($"### {name} ({system})");
            Line();
            Line("| run | offered/s | answers/s | ÷ K | p99 ms | server µs/answer | ÷ bare Kestrel's |");
            Line("| --- | --- | --- | --- | --- | --- | --- |");
            foreach (var (label, report) in runs)
            {
                if (report.Scenarios.FirstOrDefault(s => s.Name == name && s.System == system) is not { } scenario)
                {
                    continue;
                }
                var k = Ceiling(report);
                var server = scenario.ServerMicrosecondsPerAnswer();
                var bare = BareMicroseconds(report);
                Line($"| {label} | {F(scenario.OfferedRate, "N0")} | {F(scenario.AchievedRate, "N0")} | {F(scenario.AchievedRate / k, "N3")} | "
                    + $"{F(scenario.All.P99Ms, "N0")} | {F(server, "N1")} | {F(server / bare, "N2")} |");
            }
        }
        if (runs.Any(r => r.Report.Ramp is not null))
        {
            Line();
            Line("### ramp (shop): most reservations/s in a step");
            Line();
            Line("| run | reservations/s | ÷ K |");
            Line("| --- | --- | --- |");
            foreach (var (label, report) in runs.Where(r => r.Report.Ramp is not null))
            {
                Line($"| {label} | {F(report.Ramp!.MaxDecisionRate, "N0")} | {F(report.Ramp.MaxDecisionRate / Ceiling(report), "N3")} |");
            }
        }
        return md.ToString();
    }

    /// <summary>A run's label: its file's name, or its folder's and file's when another of <paramref name="files"/> has the same name.</summary>
    public static string Label(string file, IReadOnlyList<string> files)
    {
        var name = Path.GetFileNameWithoutExtension(file);
        return files.Count(f => Path.GetFileNameWithoutExtension(f) == name) > 1
            ? $"{Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(file)))}/{name}"
            : name;
    }

    /// <summary>K: the saturated bare Kestrel's rate (NaN when the run did not measure the ceilings).</summary>
    private static double Ceiling(BenchReport report) =>
        CeilingResult.Kestrel(report.Ceilings)?.RatePerSecond ?? double.NaN;

    private static double? BareMicroseconds(BenchReport report) =>
        report.Scenarios.FirstOrDefault(s => s.System == "bare-kestrel" && s.Name.Contains("saturated", StringComparison.Ordinal))?.ServerMicrosecondsPerAnswer();

    private static string F(double? value, string format) =>
        value is { } v && double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "—";
}
