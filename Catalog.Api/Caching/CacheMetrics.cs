using System.Diagnostics.Metrics;

namespace Shop.Catalog.Api.Caching;

/// <summary>
/// The cache's counters, on the <c>Shop.Catalog</c> meter (exported with the service's telemetry) and as running
/// totals for <c>GET /api/admin/catalog/cache-stats</c>. Fed by <see cref="CacheReadTracker"/> (one outcome per read,
/// from FusionCache's events) and <see cref="MeteredDistributedCache"/> (Redis failures).
/// </summary>
public sealed class CacheMetrics : IDisposable
{
    public const string MeterName = "Shop.Catalog";

    private static readonly KeyValuePair<string, object?> MemoryLevel = new("level", "memory");
    private static readonly KeyValuePair<string, object?> RedisLevel = new("level", "redis");

    private readonly Meter _meter;
    private readonly Counter<long> _hits;
    private readonly Counter<long> _misses;
    private readonly Counter<long> _loads;
    private readonly Counter<long> _coalesced;
    private readonly Counter<long> _redisErrors;

    private long _memoryHits;
    private long _redisHits;
    private long _missCount;
    private long _loadCount;
    private long _coalescedCount;
    private long _redisErrorCount;

    public CacheMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _hits = _meter.CreateCounter<long>("shop.catalog.cache.hits", "{read}", "Reads answered by the cache, by level (memory, redis).");
        _misses = _meter.CreateCounter<long>("shop.catalog.cache.misses", "{read}", "Reads not answered from process memory.");
        _loads = _meter.CreateCounter<long>("shop.catalog.cache.loads", "{query}", "Database queries made to fill the cache.");
        _coalesced = _meter.CreateCounter<long>("shop.catalog.cache.coalesced", "{read}", "Reads that waited for a load already under way.");
        _redisErrors = _meter.CreateCounter<long>("shop.catalog.cache.redis_errors", "{error}", "Failed Redis operations (the read fell back to the database).");
    }

    public void MemoryHit()
    {
        Interlocked.Increment(ref _memoryHits);
        _hits.Add(1, MemoryLevel);
    }

    public void RedisHit()
    {
        Interlocked.Increment(ref _redisHits);
        _hits.Add(1, RedisLevel);
    }

    public void Miss()
    {
        Interlocked.Increment(ref _missCount);
        _misses.Add(1);
    }

    public void Load()
    {
        Interlocked.Increment(ref _loadCount);
        _loads.Add(1);
    }

    public void Coalesced()
    {
        Interlocked.Increment(ref _coalescedCount);
        _coalesced.Add(1);
    }

    public void RedisError()
    {
        Interlocked.Increment(ref _redisErrorCount);
        _redisErrors.Add(1);
    }

    public CacheStatistics Snapshot() => new(
        Interlocked.Read(ref _memoryHits),
        Interlocked.Read(ref _redisHits),
        Interlocked.Read(ref _missCount),
        Interlocked.Read(ref _loadCount),
        Interlocked.Read(ref _coalescedCount),
        Interlocked.Read(ref _redisErrorCount));

    public void Dispose() => _meter.Dispose();
}

public sealed record CacheStatistics(long MemoryHits, long RedisHits, long Misses, long Loads, long Coalesced, long RedisErrors);
