namespace Shop.Ordering.Worker.Infrastructure;

/// <summary>Exponential back-off with a cap and a little jitter (so retries of several loops do not line up).</summary>
public readonly struct Backoff(TimeSpan baseDelay, TimeSpan maxDelay)
{
    /// <summary>The delay before retry number <paramref name="attempt"/> (0 = first retry).</summary>
    public TimeSpan Delay(int attempt)
    {
        var exponential = baseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 20));
        var capped = Math.Min(exponential, maxDelay.TotalMilliseconds);
        // ±20 %: enough to spread retries, small enough to keep the schedule readable in logs.
        var jitter = 0.8 + (Random.Shared.NextDouble() * 0.4);
        return TimeSpan.FromMilliseconds(Math.Max(1, capped * jitter));
    }
}
