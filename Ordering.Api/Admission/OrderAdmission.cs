using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Shop.Ordering.Api.Admission;

/// <summary>
/// Load shedding before the gate: a per-buyer token bucket (one buyer cannot hammer the sale) and a limit on
/// decisions in flight in this process (beyond it, answering 429 at once beats queueing until timeouts).
/// </summary>
/// <remarks>
/// The bucket is refilled lazily: each attempt adds the tokens earned since the buyer's previous attempt
/// (<see cref="AdmissionOptions.BuyerRequestsPerSecond"/> per second, at most <see cref="AdmissionOptions.BuyerBurst"/>)
/// and takes one. Nothing runs between attempts: <c>PartitionedRateLimiter</c>'s token buckets were refilled by a
/// heartbeat that visited every buyer's limiter ten times a second, 100,000 of them after a sale, which cost the
/// API CPU during the sale and for seconds after it. A bucket that has filled up again is the same as no bucket,
/// so a sweep every <see cref="SweepInterval"/> forgets those.
/// </remarks>
public sealed class OrderAdmission : IAsyncDisposable
{
    /// <summary>How often buckets that have filled up again (buyers who stopped trying) are forgotten.</summary>
    public static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly double _burst;
    private readonly double _tokensPerSecond;
    private readonly double _tokensPerTick;
    private readonly ITimer _sweep;

    private readonly ConcurrencyLimiter _inFlight;

    public OrderAdmission(IOptions<AdmissionOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        var settings = options.Value;
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.BuyerBurst, 1, nameof(settings.BuyerBurst));
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.BuyerRequestsPerSecond, 1, nameof(settings.BuyerRequestsPerSecond));
        _time = time;
        _burst = settings.BuyerBurst;
        _tokensPerSecond = settings.BuyerRequestsPerSecond;
        _tokensPerTick = _tokensPerSecond / time.TimestampFrequency;
        _inFlight = new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = settings.MaxConcurrentDecisions, QueueLimit = 0 });
        _sweep = time.CreateTimer(static state => ((OrderAdmission)state!).Sweep(), this, SweepInterval, SweepInterval);
    }

    /// <summary>Buyers with a bucket that is not full (tried recently).</summary>
    public int TrackedBuyers => _buckets.Count;

    /// <summary>A permit for one decision, or a lease that failed and says how long to wait (<see cref="MetadataName.RetryAfter"/>).</summary>
    public RateLimitLease AdmitBuyer(string buyerId)
    {
        ArgumentNullException.ThrowIfNull(buyerId);
        var now = _time.GetTimestamp();
        while (true)
        {
            var bucket = _buckets.GetOrAdd(buyerId, static (_, state) => new Bucket(state.Burst, state.Now), (Burst: _burst, Now: now));
            lock (bucket)
            {
                if (bucket.Forgotten)
                {
                    // The sweep removed it between the lookup and the lock: take the buyer's new bucket.
                    continue;
                }
                var tokens = Math.Min(_burst, bucket.Tokens + Math.Max(0, now - bucket.Stamp) * _tokensPerTick);
                bucket.Stamp = Math.Max(bucket.Stamp, now);
                if (tokens >= 1)
                {
                    bucket.Tokens = tokens - 1;
                    return Lease.Acquired;
                }
                bucket.Tokens = tokens;
                return new Lease(TimeSpan.FromSeconds((1 - tokens) / _tokensPerSecond));
            }
        }
    }

    public RateLimitLease AdmitDecision() => _inFlight.AttemptAcquire();

    /// <summary>The Retry-After header of a refused lease: its wait in whole seconds, at least 1.</summary>
    public static string RetryAfterSeconds(RateLimitLease lease)
    {
        ArgumentNullException.ThrowIfNull(lease);
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture)
            : "1";
    }

    /// <summary>Forgets the buckets that have filled up again: the buyer would get the same answer without one.</summary>
    internal void Sweep()
    {
        var now = _time.GetTimestamp();
        foreach (var (buyer, bucket) in _buckets)
        {
            lock (bucket)
            {
                if (bucket.Tokens + Math.Max(0, now - bucket.Stamp) * _tokensPerTick >= _burst)
                {
                    bucket.Forgotten = true;
                    _buckets.TryRemove(new KeyValuePair<string, Bucket>(buyer, bucket));
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _sweep.DisposeAsync().ConfigureAwait(false);
        await _inFlight.DisposeAsync().ConfigureAwait(false);
    }

    private sealed class Bucket(double tokens, long stamp)
    {
        public double Tokens = tokens;
        public long Stamp = stamp;
        public bool Forgotten;
    }

    /// <summary>A granted permit (one shared instance: it holds nothing to release) or a refusal with its Retry-After.</summary>
    private sealed class Lease : RateLimitLease
    {
        public static readonly Lease Acquired = new(null);

        private readonly TimeSpan? _retryAfter;

        public Lease(TimeSpan? retryAfter) => _retryAfter = retryAfter;

        public override bool IsAcquired => _retryAfter is null;

        public override IEnumerable<string> MetadataNames => _retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            if (_retryAfter is { } wait && metadataName == MetadataName.RetryAfter.Name)
            {
                metadata = wait;
                return true;
            }
            metadata = null;
            return false;
        }
    }
}
