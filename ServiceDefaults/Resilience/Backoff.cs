namespace Shop.ServiceDefaults.Resilience;

/// <summary>
/// How long a loop waits before retrying what failed: <see cref="First"/>, doubled per retry, capped at
/// <see cref="Max"/>, optionally spread by ±<see cref="Jitter"/>. Shop's own loops (outboxes, consumers, the worker's
/// batches) retry with it; HttpClients have the standard resilience handler instead.
/// </summary>
/// <param name="First">The delay before the first retry.</param>
/// <param name="Max">No delay is longer.</param>
/// <param name="Jitter">
/// The fraction a delay is spread by, at random: 0.2 makes it 80 % to 120 % of the exponential one, so that the
/// retries of several loops hit by the same outage do not line up; 0 (a schedule that must read exactly, as an
/// outbox row's next attempt documented as "1 s doubling to 30 s") leaves it as it is.
/// </param>
public readonly record struct Backoff(TimeSpan First, TimeSpan Max, double Jitter = 0)
{
    /// <summary>The delay before retry number <paramref name="retry"/> (0 = the first retry; below 0 counts as 0).</summary>
    public TimeSpan Delay(int retry)
    {
        // 2^20 times any sensible first delay is past any cap; the bound keeps the double finite.
        var exponential = First.TotalMilliseconds * Math.Pow(2, Math.Clamp(retry, 0, 20));
        var capped = Math.Min(exponential, Max.TotalMilliseconds);
        var spread = Jitter == 0 ? 1 : 1 - Jitter + (Random.Shared.NextDouble() * 2 * Jitter);
        return TimeSpan.FromMilliseconds(Math.Max(1, capped * spread));
    }
}
