using Shop.ServiceDefaults.Resilience;

namespace Shop.ServiceDefaults.Tests;

/// <summary>The one retry schedule of Shop's loops: doubling from the first delay, capped, spread only when asked.</summary>
public sealed class BackoffTests
{
    [Fact]
    public void Without_jitter_it_doubles_from_the_first_delay_up_to_the_cap()
    {
        var backoff = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));

        Assert.Equal([1, 2, 4, 8, 16, 30, 30], Enumerable.Range(0, 7).Select(retry => backoff.Delay(retry).TotalSeconds));
    }

    [Fact]
    public void A_retry_below_zero_waits_the_first_delay_and_a_huge_one_the_cap()
    {
        var backoff = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));

        Assert.Equal(TimeSpan.FromSeconds(1), backoff.Delay(-1));
        Assert.Equal(TimeSpan.FromSeconds(30), backoff.Delay(int.MaxValue));
    }

    [Fact]
    public void Jitter_spreads_each_delay_within_its_fraction()
    {
        var backoff = new Backoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5), Jitter: 0.2);

        var delays = Enumerable.Range(0, 200).Select(_ => backoff.Delay(2).TotalMilliseconds).ToList();

        Assert.All(delays, ms => Assert.InRange(ms, 320, 480));
        Assert.True(delays.Distinct().Count() > 1, "the delays are spread");
    }
}
