using System.ComponentModel.DataAnnotations;

namespace Shop.Catalog.Api.Caching;

/// <summary>The read cache's settings, section <c>Catalog:Cache</c> (applied to FusionCache by <see cref="CatalogCacheRegistration"/>).</summary>
public sealed class CatalogCacheOptions
{
    public const string SectionName = "Catalog:Cache";

    /// <summary>How long a value lives in process memory. Bounds how stale a replica can be if an invalidation
    /// message is lost, and how often each replica asks Redis for a hot key.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan MemoryTtl { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How long a value lives in Redis (every admin change retires all of them at once anyway).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan RedisTtl { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>At most this many values in process memory (search results are keyed by the query text).</summary>
    [Range(100, 10_000_000)]
    public int MemoryEntryLimit { get; set; } = 20_000;

    /// <summary>After a Redis error, reads skip Redis (and go to the database) for this long before trying again
    /// (FusionCache's circuit breakers for the distributed cache and the backplane; zero turns them off).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan RedisRetryAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Prefix of every key and of the backplane channel. Bump the version part when the shape of cached values changes.</summary>
    [Required]
    public string KeyPrefix { get; set; } = "catalog:v1";

    /// <summary>What FusionCache puts in front of every key (<see cref="KeyPrefix"/> and a separator).</summary>
    public string CacheKeyPrefix => KeyPrefix + ":";
}
