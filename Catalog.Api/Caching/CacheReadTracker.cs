using Microsoft.Extensions.Options;
using ZiggyCreatures.Caching.Fusion;
using ZiggyCreatures.Caching.Fusion.Events;
using ZiggyCreatures.Caching.Fusion.Plugins;

namespace Shop.Catalog.Api.Caching;

/// <summary>
/// Classifies every read through <see cref="CatalogCache"/> for <see cref="CacheMetrics"/>. FusionCache raises hit and
/// miss events per cache level but does not say which call they belong to. Its handlers run synchronously in the
/// calling flow (<see cref="FusionCacheOptions.EnableSyncEventHandlersExecution"/>, set by
/// <see cref="CatalogCacheRegistration"/>), so the read in flight is found in an <see cref="AsyncLocal{T}"/>; events are
/// matched to it by key, because the same flow also looks up FusionCache's own entries (the read models' tag).
/// </summary>
public sealed class CacheReadTracker(CacheMetrics metrics, IOptions<CatalogCacheOptions> options) : IFusionCachePlugin
{
    private readonly AsyncLocal<CacheRead?> _current = new();
    private readonly string _keyPrefix = options.Value.CacheKeyPrefix;

    /// <summary>Starts tracking a read of <paramref name="key"/> in the calling flow.</summary>
    public CacheRead Begin(string key)
    {
        var read = new CacheRead(_keyPrefix + key);
        _current.Value = read;
        return read;
    }

    /// <summary>The read's loader runs: counted at once, so a load that fails counts too.</summary>
    public void Loading(CacheRead read)
    {
        read.Loaded();
        metrics.Load();
    }

    /// <summary>The read has its value: count how it got it.</summary>
    public void Answered(CacheRead read)
    {
        switch (read.Outcome)
        {
            case CacheReadOutcome.Memory:
                metrics.MemoryHit();
                break;
            case CacheReadOutcome.Coalesced:
                metrics.Miss();
                metrics.Coalesced();
                break;
            case CacheReadOutcome.Redis:
                metrics.Miss();
                metrics.RedisHit();
                break;
            case CacheReadOutcome.Loaded:
                metrics.Miss();
                break;
        }
    }

    public void Start(IFusionCache cache)
    {
        cache.Events.Memory.Miss += OnMemoryMiss;
        cache.Events.Memory.Hit += OnMemoryHit;
        cache.Events.Distributed.Hit += OnRedisHit;
    }

    public void Stop(IFusionCache cache)
    {
        cache.Events.Memory.Miss -= OnMemoryMiss;
        cache.Events.Memory.Hit -= OnMemoryHit;
        cache.Events.Distributed.Hit -= OnRedisHit;
    }

    private CacheRead? ReadOf(string key) => _current.Value is { } read && read.CacheKey == key ? read : null;

    private void OnMemoryMiss(object? sender, FusionCacheEntryEventArgs e) => ReadOf(e.Key)?.LookedInMemory();

    private void OnMemoryHit(object? sender, FusionCacheEntryHitEventArgs e) => ReadOf(e.Key)?.LookedInMemory();

    // A stale entry (expired, kept for fail-safe) is not an answer.
    private void OnRedisHit(object? sender, FusionCacheEntryHitEventArgs e)
    {
        if (!e.IsStale)
        {
            ReadOf(e.Key)?.RedisHit();
        }
    }
}
