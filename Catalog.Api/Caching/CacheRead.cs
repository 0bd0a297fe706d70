namespace Shop.Catalog.Api.Caching;

/// <summary>How one read through <see cref="CatalogCache"/> was answered.</summary>
public enum CacheReadOutcome
{
    /// <summary>From process memory, at once.</summary>
    Memory,

    /// <summary>From process memory after waiting for another read's load of the key.</summary>
    Coalesced,

    /// <summary>From Redis.</summary>
    Redis,

    /// <summary>By this read's own load.</summary>
    Loaded,
}

/// <summary>
/// What <see cref="CacheReadTracker"/> learns about one read while it runs. Written from FusionCache's event handlers,
/// which may run on another thread of the same flow, hence the interlocked and volatile fields.
/// </summary>
public sealed class CacheRead(string cacheKey)
{
    private int _memoryLookups;
    private volatile bool _redisHit;
    private volatile bool _loaded;

    /// <summary>The key as FusionCache reports it in its events (with <see cref="CatalogCacheOptions.CacheKeyPrefix"/>).</summary>
    public string CacheKey { get; } = cacheKey;

    /// <summary>
    /// A read that memory answers at once looks there once. Any other read looks again once it holds the key's lock
    /// (FusionCache's double check), and finds the value there if another read loaded it meanwhile.
    /// </summary>
    public CacheReadOutcome Outcome =>
        _loaded ? CacheReadOutcome.Loaded
        : _redisHit ? CacheReadOutcome.Redis
        : Volatile.Read(ref _memoryLookups) > 1 ? CacheReadOutcome.Coalesced
        : CacheReadOutcome.Memory;

    internal void LookedInMemory() => Interlocked.Increment(ref _memoryLookups);

    internal void RedisHit() => _redisHit = true;

    internal void Loaded() => _loaded = true;
}
