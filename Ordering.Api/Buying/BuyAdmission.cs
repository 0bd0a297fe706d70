using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Shop.Ordering.Api.Buying;

/// <summary>
/// Load shedding before the gate: a per-buyer token bucket (one buyer cannot hammer the sale) and a limit on
/// decisions in flight in this process (beyond it, answering 429 at once beats queueing until timeouts).
/// </summary>
public sealed class BuyAdmission(IOptions<BuyingOptions> options) : IAsyncDisposable
{
    private readonly PartitionedRateLimiter<string> _perBuyer = PartitionedRateLimiter.Create<string, string>(buyer =>
        RateLimitPartition.GetTokenBucketLimiter(buyer, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = options.Value.BuyerBurst,
            TokensPerPeriod = options.Value.BuyerRequestsPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    private readonly ConcurrencyLimiter _inFlight = new(new ConcurrencyLimiterOptions
    {
        PermitLimit = options.Value.MaxConcurrentDecisions,
        QueueLimit = 0,
    });

    /// <summary>A permit for one decision, or a lease that failed and says how long to wait.</summary>
    public RateLimitLease AdmitBuyer(string buyerId) => _perBuyer.AttemptAcquire(buyerId);

    public RateLimitLease AdmitDecision() => _inFlight.AttemptAcquire();

    public async ValueTask DisposeAsync()
    {
        await _perBuyer.DisposeAsync().ConfigureAwait(false);
        await _inFlight.DisposeAsync().ConfigureAwait(false);
    }
}
