using System.Diagnostics;

namespace Shop.Bench;

/// <summary>
/// Latencies per outcome (each a <see cref="LatencyHistogram"/>), plus how late the generator itself sent each
/// request (send lag), so that a reader can tell the generator's delay from the server's.
/// </summary>
public sealed class LatencyRecorder
{
    private readonly LatencyHistogram[] _byOutcome = [.. Enum.GetValues<Outcome>().Select(_ => new LatencyHistogram())];

    public LatencyHistogram SendLag { get; } = new();

    public LatencyHistogram this[Outcome outcome] => _byOutcome[(int)outcome];

    /// <summary>All answers of any outcome together.</summary>
    public LatencyHistogram All()
    {
        var all = new LatencyHistogram();
        foreach (var histogram in _byOutcome)
        {
            all.Add(histogram);
        }
        return all;
    }

    public long Count(Outcome outcome) => _byOutcome[(int)outcome].Count;

    public void Record(Outcome outcome, long elapsedStopwatchTicks) => _byOutcome[(int)outcome].Record(ToMicroseconds(elapsedStopwatchTicks));

    public static long ToMicroseconds(long stopwatchTicks) => (long)(stopwatchTicks * 1_000_000.0 / Stopwatch.Frequency);
}
