using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using ZiggyCreatures.Caching.Fusion;
using ZiggyCreatures.Caching.Fusion.Backplane.StackExchangeRedis;
using ZiggyCreatures.Caching.Fusion.Serialization.SystemTextJson;

namespace Shop.Catalog.Api.Caching;

/// <summary>
/// Wires the catalog's read cache: FusionCache with process memory (L1), Redis through
/// <see cref="RedisCache"/> (L2) and the Redis backplane, both on the app's own <see cref="IConnectionMultiplexer"/>
/// (registered by <c>AddRedisClient("cache")</c>, which must be called as well), values as source-generated JSON.
/// </summary>
public static class CatalogCacheRegistration
{
    private const string MemoryCacheKey = "catalog-cache";

    public static IServiceCollection AddCatalogCache(this IServiceCollection services)
    {
        services.AddOptions<CatalogCacheOptions>().BindConfiguration(CatalogCacheOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<CacheMetrics>();
        services.TryAddSingleton<CacheReadTracker>();
        services.TryAddSingleton<CatalogCache>();

        // FusionCache logs every call at Information; its warnings (Redis errors, circuit breaker) are what matters.
        services.AddLogging(logging => logging.AddFilter("ZiggyCreatures.Caching.Fusion", LogLevel.Warning));

        // Our own memory cache, for its size limit (search results are keyed by the query text); the container owns it.
        services.AddKeyedSingleton<IMemoryCache>(MemoryCacheKey, (provider, _) =>
            new MemoryCache(new MemoryCacheOptions { SizeLimit = provider.GetRequiredService<IOptions<CatalogCacheOptions>>().Value.MemoryEntryLimit }));

        services.AddFusionCache()
            .WithOptions((provider, fusion) => Configure(fusion, provider.GetRequiredService<IOptions<CatalogCacheOptions>>().Value))
            .WithRegisteredKeyedMemoryCache(MemoryCacheKey)
            .WithSerializer(new FusionCacheSystemTextJsonSerializer(CatalogCacheJsonContext.Default.Options))
            .WithDistributedCache(provider => new MeteredDistributedCache(
                new RedisCache(new RedisCacheOptions { ConnectionMultiplexerFactory = () => LendConnectionAsync(provider) }),
                provider.GetRequiredService<CacheMetrics>()))
            .WithBackplane(provider => new RedisBackplane(
                new RedisBackplaneOptions { ConnectionMultiplexerFactory = () => LendConnectionAsync(provider) },
                provider.GetService<ILogger<RedisBackplane>>()))
            .WithPlugin(provider => provider.GetRequiredService<CacheReadTracker>());
        return services;
    }

    private static void Configure(FusionCacheOptions fusion, CatalogCacheOptions options)
    {
        fusion.CacheKeyPrefix = options.CacheKeyPrefix;
        fusion.BackplaneChannelPrefix = options.KeyPrefix;
        fusion.DefaultEntryOptions = new FusionCacheEntryOptions
        {
            Duration = options.RedisTtl,
            DistributedCacheDuration = options.RedisTtl,
            // Also caps a value that comes from Redis: a replica asks Redis again after this at the latest.
            MemoryCacheDuration = options.MemoryTtl,
            // With a size limit every memory entry needs a size: one value, one unit.
            Size = 1,
            // No fail-safe: an invalidated value is never served again (FusionCache expires tagged values, RemoveByTagBehavior.Expire),
            // and a value the loader could not refresh is not served stale; the read fails like the load.
            IsFailSafeEnabled = false,
        };
        // The read models' tag (see CatalogCache.InvalidateAsync) is read again from Redis this often, so a replica
        // that missed a backplane message learns of the invalidation anyway. The tag keeps fail-safe (FusionCache's
        // default for tags): while Redis is down the last known timestamp stays in force.
        fusion.TagsDefaultEntryOptions.MemoryCacheDuration = options.MemoryTtl;

        // A Redis error sends reads to the database, and keeps them off Redis for a while, instead of every read
        // waiting for Redis's timeout.
        fusion.DistributedCacheCircuitBreakerDuration = options.RedisRetryAfter;
        fusion.BackplaneCircuitBreakerDuration = options.RedisRetryAfter;

        // CacheReadTracker matches events to the read in flight, which needs them raised in that read's own flow.
        fusion.EnableSyncEventHandlersExecution = true;
        // Its check of the serializer round-trips a value tuple, which the source-generated JSON (rightly) does not know.
        fusion.EnableBestPracticesAdvisor = false;
    }

    // RedisCache and the backplane ask for a connection once (and again after disposing it, which the lent one ignores).
    private static Task<IConnectionMultiplexer> LendConnectionAsync(IServiceProvider provider) =>
        Task.FromResult(LentConnectionMultiplexer.Lend(provider.GetRequiredService<IConnectionMultiplexer>()));
}
