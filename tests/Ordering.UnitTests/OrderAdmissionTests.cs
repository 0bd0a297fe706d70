using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Shop.Ordering.Api.Admission;

namespace Shop.Ordering.UnitTests;

/// <summary>
/// The per-buyer token bucket of the buy path, on a clock the test moves: a burst, then the refill rate, a refusal
/// that says how long to wait, buyers independent of each other, and forgetting buyers whose bucket is full again.
/// No app is started: these run in milliseconds.
/// </summary>
public sealed class OrderAdmissionTests
{
    private readonly ManualClock _clock = new();

    private OrderAdmission Admission(int burst = 5, int perSecond = 5, int decisions = 1024) =>
        new(Options.Create(new AdmissionOptions { BuyerBurst = burst, BuyerRequestsPerSecond = perSecond, MaxConcurrentDecisions = decisions }), _clock);

    [Fact]
    public async Task A_buyer_gets_the_burst_then_a_refusal_with_retry_after()
    {
        await using var admission = Admission(burst: 5, perSecond: 5);
        for (var i = 0; i < 5; i++)
        {
            using var lease = admission.AdmitBuyer("alice");
            Assert.True(lease.IsAcquired, $"attempt {i + 1} of the burst");
        }
        using var refused = admission.AdmitBuyer("alice");
        Assert.False(refused.IsAcquired);
        Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        // One token comes back every 1/5 s.
        Assert.Equal(TimeSpan.FromSeconds(0.2), retryAfter);
    }

    [Fact]
    public async Task Tokens_come_back_at_the_rate_and_never_beyond_the_burst()
    {
        await using var admission = Admission(burst: 2, perSecond: 4);
        Assert.True(admission.AdmitBuyer("bob").IsAcquired);
        Assert.True(admission.AdmitBuyer("bob").IsAcquired);
        Assert.False(admission.AdmitBuyer("bob").IsAcquired);

        _clock.Advance(TimeSpan.FromSeconds(0.25));
        Assert.True(admission.AdmitBuyer("bob").IsAcquired);
        Assert.False(admission.AdmitBuyer("bob").IsAcquired);

        // A long pause refills the bucket to the burst, not more.
        _clock.Advance(TimeSpan.FromMinutes(5));
        Assert.True(admission.AdmitBuyer("bob").IsAcquired);
        Assert.True(admission.AdmitBuyer("bob").IsAcquired);
        var refused = admission.AdmitBuyer("bob");
        Assert.False(refused.IsAcquired);
        Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(0.25), retryAfter);
    }

    [Fact]
    public async Task Buyers_do_not_share_a_bucket()
    {
        await using var admission = Admission(burst: 1, perSecond: 1);
        Assert.True(admission.AdmitBuyer("carol").IsAcquired);
        Assert.False(admission.AdmitBuyer("carol").IsAcquired);
        Assert.True(admission.AdmitBuyer("dave").IsAcquired);
    }

    [Fact]
    public async Task A_full_bucket_is_forgotten_and_a_used_one_is_kept()
    {
        await using var admission = Admission(burst: 2, perSecond: 1);
        Assert.True(admission.AdmitBuyer("erin").IsAcquired);
        Assert.True(admission.AdmitBuyer("frank").IsAcquired);
        Assert.True(admission.AdmitBuyer("frank").IsAcquired);
        _clock.Advance(TimeSpan.FromSeconds(1));
        admission.Sweep();
        // erin's bucket is full again (one token back after a second); frank's is not.
        Assert.Equal(1, admission.TrackedBuyers);
        Assert.True(admission.AdmitBuyer("frank").IsAcquired);
        Assert.False(admission.AdmitBuyer("frank").IsAcquired);
        Assert.True(admission.AdmitBuyer("erin").IsAcquired);
        Assert.True(admission.AdmitBuyer("erin").IsAcquired);
        Assert.False(admission.AdmitBuyer("erin").IsAcquired);
    }

    [Fact]
    public async Task Decisions_in_flight_are_limited_and_released()
    {
        await using var admission = Admission(decisions: 2);
        var first = admission.AdmitDecision();
        using var second = admission.AdmitDecision();
        Assert.True(first.IsAcquired);
        Assert.True(second.IsAcquired);
        Assert.False(admission.AdmitDecision().IsAcquired);
        first.Dispose();
        using var third = admission.AdmitDecision();
        Assert.True(third.IsAcquired);
    }

    /// <summary>A clock that moves only when told; its timers never fire (the sweep is called directly).</summary>
    private sealed class ManualClock : TimeProvider
    {
        private long _ticks = 1_000_000;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Read(ref _ticks);

        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) => new NeverTimer();

        private sealed class NeverTimer : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => true;

            public void Dispose()
            {
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
