namespace Shop.Ordering.Worker.Gate;

/// <summary>
/// Serialises, inside the worker, every step that writes a stock's gate state or the column that says what the gate
/// already knows (<c>stock_releases.applied_at</c>): a batch from its read to its settle, a round of the release
/// applier, an arming and the rebuild. Two of these interleaving could count an order twice (e.g. a settle landing on
/// a gate the rebuild has just rewritten from a ledger that already includes the batch); under the lock each sees the
/// other's work complete. Reconciliation does not take it: it measures between these moves (<c>GateMoves</c>). The API's hot path and its cancel never need it: reserve.lua moves units from stock to
/// pending atomically, and a cancel moves them to "releasing" in one transaction, so neither changes the sums.
/// The worker runs as one replica (docs/architecture.md, "One writer per hot ledger row"); the lock is per process.
/// </summary>
public sealed class GateWriteLock
{
    private readonly SemaphoreSlim _semaphore = new(1, 1);

    public async ValueTask<Held> AcquireAsync(CancellationToken cancellationToken)
    {
        await _semaphore.WaitAsync(cancellationToken);
        return new Held(_semaphore);
    }

    /// <summary>Releases the lock when disposed.</summary>
    public readonly struct Held(SemaphoreSlim semaphore) : IDisposable
    {
        public void Dispose() => semaphore.Release();
    }
}
