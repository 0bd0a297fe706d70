using System.ComponentModel.DataAnnotations;
using Shop.ServiceDefaults.Resilience;

namespace Shop.Ordering.Worker;

/// <summary>
/// The worker's own settings, bound from <c>Ordering:Worker</c> (env <c>Ordering__Worker__BatchSize</c> …). The
/// pipeline settings both services share (payment timeout, reservation retention) are in <c>OrderingOptions</c>.
/// </summary>
public sealed class WorkerOptions
{
    public const string SectionName = "Ordering:Worker";

    /// <summary>Most reservations persisted in one transaction (measured here: ~44k orders/s at 100).</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 200;

    /// <summary>How long a batch waits for more reservations after its first: short, it only groups a burst.</summary>
    public TimeSpan BatchLinger { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>How long one wait for new reservations on the gate's stream lasts (on a connection of its own).</summary>
    public TimeSpan ReadBlock { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Entries another worker read but did not settle for this long are taken over (that worker is gone).</summary>
    public TimeSpan ClaimAfter { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Attempts of a whole batch that failed for a reason other than an outage, before it is split.</summary>
    [Range(1, 100)]
    public int BatchAttempts { get; set; } = 3;

    /// <summary>Attempts of a single reservation, after the split, before it is parked.</summary>
    [Range(1, 100)]
    public int MessageAttempts { get; set; } = 5;

    /// <summary>First retry delay; it doubles with every attempt up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Every loop's retry schedule: <see cref="RetryBaseDelay"/> doubling to <see cref="RetryMaxDelay"/>, spread by
    /// ±20 % (enough to keep the loops' retries from lining up after one outage, small enough to read in logs).
    /// </summary>
    public Backoff RetryBackoff() => new(RetryBaseDelay, RetryMaxDelay, Jitter: 0.2);

    /// <summary>How often confirmed, unpaid orders past their payment deadline are expired.</summary>
    public TimeSpan ExpiryInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Most orders expired in one transaction (more wait for the next round, a moment later).</summary>
    [Range(1, 100_000)]
    public int ExpiryBatchSize { get; set; } = 500;

    /// <summary>How often released units (expiries, cancellations by the API) are given back to the gate.</summary>
    public TimeSpan ReleaseInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    [Range(1, 100_000)]
    public int ReleaseBatchSize { get; set; } = 500;

    /// <summary>How often the worker checks that the gate still holds its state (<c>ordering:ready</c>).</summary>
    public TimeSpan RebuildCheckInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the active sales' stock invariant is measured.</summary>
    public TimeSpan ReconciliationInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Consecutive failed measurements before a violation is reported (one can catch an order moving).</summary>
    [Range(1, 1000)]
    public int ReconciliationStrikes { get; set; } = 3;

    /// <summary>Sales that ended longer ago than this are no longer reconciled (unless something is still in flight).</summary>
    public TimeSpan ReconciliationLookback { get; set; } = TimeSpan.FromHours(1);

    /// <summary>An item's stock is reconciled while it has moved this recently (it never ends, unlike a sale).</summary>
    public TimeSpan ItemReconciliationLookback { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the outbox (order status events) is looked at; a round that finds a full batch goes on at once.</summary>
    public TimeSpan EventsInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Most outbox rows published in one round.</summary>
    [Range(1, 10_000)]
    public int EventsBatchSize { get; set; } = 100;

    /// <summary>How often the items whose stock moved are sent to Catalog (one coalesced ItemStocksChanged).</summary>
    public TimeSpan ItemStockChangesInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the reservations stream's backlog is sampled for the gauges.</summary>
    public TimeSpan StreamLagInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the gate's memory is sampled for the gauges (ShopGateMemoryHigh alerts on them).</summary>
    public TimeSpan GateMemoryInterval { get; set; } = TimeSpan.FromSeconds(5);
}
