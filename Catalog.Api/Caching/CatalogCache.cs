using ZiggyCreatures.Caching.Fusion;

namespace Shop.Catalog.Api.Caching;

/// <summary>
/// The catalog's read cache: FusionCache (process memory for a few seconds, then Redis for minutes, then the loader;
/// one loader per key; invalidations seen by every replica through its Redis backplane; Redis failures answered from
/// the database). What this class adds: each read is counted in <see cref="CacheMetrics"/>, and a load belongs to
/// nobody's request.
/// </summary>
public sealed class CatalogCache(IFusionCache cache, CacheReadTracker reads, IHostApplicationLifetime lifetime)
{
    private static readonly string[] ReadModelsTags = [CacheKeys.ReadModelsTag];

    /// <summary>
    /// The value for <paramref name="key"/>, from the cache or else from <paramref name="loader"/> (then cached in both
    /// levels). A null result is cached too (an unknown id costs one query, not one per request).
    /// </summary>
    public async ValueTask<T> GetOrLoadAsync<T>(string key, Func<CancellationToken, Task<T>> loader, CancellationToken cancellationToken)
    {
        var read = reads.Begin(key);

        // FusionCache gets no token, and the loader only the application's: while one read loads, every other read of
        // the key waits on FusionCache's lock for that key, so the load must not end with the request that happened
        // to start it. A caller that gives up only stops waiting.
        var pending = cache.GetOrSetAsync<T>(key, (_, _) =>
        {
            reads.Loading(read);
            return loader(lifetime.ApplicationStopping);
        }, tags: ReadModelsTags);
        var value = pending.IsCompletedSuccessfully ? pending.Result : await pending.AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);

        reads.Answered(read);
        return value;
    }

    /// <summary>
    /// After an admin change is committed: retires every cached read model at once (admin writes are rare, and a
    /// renamed item changes lists, searches and sale pages alike), by expiring their common tag. FusionCache applies
    /// that at once in this process, stores the tag's new timestamp in Redis and publishes it on the backplane; values
    /// cached before it are not served again (there is no fail-safe to fall back on them). Each replica also re-reads
    /// the tag from Redis after <see cref="CatalogCacheOptions.MemoryTtl"/>, so one that missed the message is stale for
    /// that long at most; while Redis is down, FusionCache's auto-recovery keeps retrying. No token: the change is
    /// committed, so its invalidation must run to the end even if the client has gone.
    /// </summary>
    public ValueTask InvalidateAsync() => cache.RemoveByTagAsync(CacheKeys.ReadModelsTag);
}
