namespace Shop.AppHost.LocalServers;

/// <summary>
/// The redis.conf directives that make a Redis one of Shop's two kinds, the same in both modes: run mode writes
/// them into the local server's redis.conf (<see cref="LocalRedisBuilderExtensions"/>), publish mode passes them to
/// the container's <c>redis-server</c> as <c>--directive value</c> arguments (<c>ServerResources</c>).
/// </summary>
public static class RedisSettings
{
    /// <summary>
    /// The bound of a cache: 256 MiB (Redis's "mb" is MiB). The catalog's entries (pages, items, sales as JSON) are a few KiB each, so this
    /// holds tens of thousands of them, far beyond the catalog of a shop this size, while a runaway key space cannot
    /// take the memory the gate, Postgres and the services on the same machine need. Beyond it Redis evicts.
    /// </summary>
    public const string CacheMaxMemory = "256mb";

    /// <summary>
    /// The gate's hard memory limit: beyond it Redis refuses every write (noeviction). Below it, at
    /// <c>Ordering:GateSoftMemoryLimit</c> (80 %), the gate's scripts already refuse new reservations so that
    /// confirmations, releases, baskets and sessions still have room; ShopGateMemoryHigh warns at 70 %. 4 GiB holds
    /// millions of open orders (about 1 KiB each with their answers), far more than one sale; a deployment sizes it to
    /// its machine (docs/ordering.md, "Limits").
    /// </summary>
    public const string GateMaxMemory = "4gb";

    /// <summary>
    /// A Redis that holds state nothing else has yet (the gate: stock, idempotency answers, the reservations stream,
    /// the outbox): every write goes to the append-only file and is fsynced before Redis answers, and a full Redis
    /// refuses writes (an error the caller sees) instead of dropping keys, at <see cref="GateMaxMemory"/>.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>> DurableAppendOnly { get; } =
    [
        new("appendonly", "yes"),
        new("appendfsync", "always"),
        new("maxmemory", GateMaxMemory),
        new("maxmemory-policy", "noeviction"),
    ];

    /// <summary>A Redis that may forget: bounded, evicting the least recently used key of any kind when full.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Cache(string maxMemory = CacheMaxMemory) =>
    [
        new("maxmemory", maxMemory),
        new("maxmemory-policy", "allkeys-lru"),
    ];
}
