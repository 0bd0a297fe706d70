using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Shop.Catalog.Api.Caching;

/// <summary>
/// The catalog's read cache: process memory (a few seconds) in front of Redis (minutes) in front of the database.
/// <list type="bullet">
/// <item>One loader per key: concurrent misses of one key in this process share one load (single flight), so a
/// cold hot key costs one Redis round trip and at most one database query, not one per request.</item>
/// <item>Invalidation is by generation: every Redis key contains the current generation (<c>{prefix}:gen</c>); an
/// admin change increments it, which retires every cached value at once (they expire by TTL), and publishes on
/// <c>{prefix}:invalidate</c> so that every replica drops its memory layer. A load that started before a change
/// cannot put its stale result back: its Redis write goes under the retired generation and its memory write under
/// the retired local epoch.</item>
/// <item>Redis is optional: any Redis error is logged and counted, the read goes to the database, and Redis is left
/// alone for <see cref="CatalogCacheOptions.RedisRetryAfter"/>. While an invalidation has not reached Redis,
/// reads bypass Redis, so they never serve what the change replaced.</item>
/// </list>
/// </summary>
public sealed partial class TwoLevelCache : IDisposable
{
    // One round trip for a read: the current generation and the value stored under it (if any).
    private const string ReadScript = """
        local generation = redis.call('GET', KEYS[1]) or '0'
        local value = redis.call('GET', ARGV[1] .. ':' .. generation .. ':' .. ARGV[2])
        if value then return { generation, value } end
        return { generation }
        """;

    private readonly MemoryCache _memory;
    private readonly ConcurrentDictionary<FlightKey, Lazy<Task<object?>>> _flights = new();
    private readonly IServiceProvider _services;
    private readonly CatalogCacheOptions _options;
    private readonly CacheMetrics _metrics;
    private readonly ILogger<TwoLevelCache> _logger;
    private readonly CancellationToken _stopping;
    private readonly RedisKey _generationKey;
    private readonly RedisChannel _invalidationChannel;

    private long _epoch;
    private long _invalidationsRequested;
    private long _invalidationsApplied;
    private long _redisRetryAt;
    private int _redisFailing;
    private IConnectionMultiplexer? _multiplexer;

    public TwoLevelCache(
        IServiceProvider services,
        IOptions<CatalogCacheOptions> options,
        CacheMetrics metrics,
        IHostApplicationLifetime lifetime,
        ILogger<TwoLevelCache> logger)
    {
        _services = services;
        _options = options.Value;
        _metrics = metrics;
        _logger = logger;
        _stopping = lifetime.ApplicationStopping;
        _memory = new MemoryCache(new MemoryCacheOptions { SizeLimit = _options.MemoryEntryLimit });
        _generationKey = _options.KeyPrefix + ":gen";
        _invalidationChannel = new RedisChannel(_options.KeyPrefix + ":invalidate", RedisChannel.PatternMode.Literal);
    }

    /// <summary>Identifies this process in invalidation messages, so it can ignore its own.</summary>
    public string InstanceId { get; } = Guid.NewGuid().ToString("N");

    public RedisChannel InvalidationChannel => _invalidationChannel;

    /// <summary>True while an admin change has not yet been applied to Redis.</summary>
    public bool HasPendingInvalidation => Volatile.Read(ref _invalidationsApplied) < Volatile.Read(ref _invalidationsRequested);

    /// <summary>
    /// The value for <paramref name="key"/>: from memory, else from Redis, else from <paramref name="loader"/>
    /// (then stored in both). A null result is cached too (an unknown id costs one query, not one per request).
    /// </summary>
    public async ValueTask<T> GetOrLoadAsync<T>(string key, JsonTypeInfo<T> typeInfo, Func<CancellationToken, Task<T>> loader, CancellationToken cancellationToken)
    {
        var epoch = Volatile.Read(ref _epoch);
        if (_memory.TryGetValue(key, out var cached) && cached is MemoryEntry entry && entry.Epoch == epoch)
        {
            _metrics.MemoryHit();
            return (T)entry.Value!;
        }

        _metrics.Miss();
        var flightKey = new FlightKey(epoch, key);
        var flight = new Lazy<Task<object?>>(() => RunFlightAsync(flightKey, typeInfo, loader));
        var winner = _flights.GetOrAdd(flightKey, flight);
        if (!ReferenceEquals(winner, flight))
        {
            _metrics.Coalesced();
        }

        // The load itself is not tied to this request: if this caller gives up, the others still get the value.
        var value = await winner.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        return (T)value!;
    }

    /// <summary>
    /// After an admin change is committed: drop this process's memory layer at once, then retire every Redis value
    /// and tell the other replicas. When Redis cannot be reached the change still stands; reads bypass Redis and
    /// <see cref="CacheInvalidationListener"/> keeps retrying until Redis has it.
    /// </summary>
    public async Task InvalidateAsync()
    {
        Interlocked.Increment(ref _invalidationsRequested);
        DropLocal();
        await TryApplyInvalidationAsync().ConfigureAwait(false);
    }

    /// <summary>Forgets every value held in this process (another replica changed the data, or Redis reconnected).</summary>
    public void DropLocal()
    {
        Interlocked.Increment(ref _epoch);
        _memory.Clear();
    }

    /// <summary>Applies the invalidations requested so far to Redis; false (and logged) when Redis failed.</summary>
    public async Task<bool> TryApplyInvalidationAsync()
    {
        var target = Volatile.Read(ref _invalidationsRequested);
        if (Volatile.Read(ref _invalidationsApplied) >= target)
        {
            return true;
        }
        try
        {
            var multiplexer = Multiplexer();
            var generation = await multiplexer.GetDatabase().StringIncrementAsync(_generationKey).ConfigureAwait(false);
            await multiplexer.GetSubscriber().PublishAsync(_invalidationChannel, InstanceId).ConfigureAwait(false);
            InterlockedMax(ref _invalidationsApplied, target);
            LogInvalidated(_logger, generation);
            RedisSucceeded();
            return true;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            RedisFailed(exception, "invalidate");
            return false;
        }
    }

    internal IConnectionMultiplexer Multiplexer() => _multiplexer ??= _services.GetRequiredService<IConnectionMultiplexer>();

    public void Dispose() => _memory.Dispose();

    private async Task<object?> RunFlightAsync<T>(FlightKey flightKey, JsonTypeInfo<T> typeInfo, Func<CancellationToken, Task<T>> loader)
    {
        try
        {
            var (found, value, generation) = await TryReadRedisAsync(flightKey.Key, typeInfo).ConfigureAwait(false);
            if (!found)
            {
                _metrics.Load();
                value = await loader(_stopping).ConfigureAwait(false);
                if (generation is not null)
                {
                    await TryWriteRedisAsync(flightKey.Key, generation, value, typeInfo).ConfigureAwait(false);
                }
            }

            // Only when no change happened meanwhile: a value loaded before a change must not outlive it.
            if (flightKey.Epoch == Volatile.Read(ref _epoch))
            {
                _memory.Set(flightKey.Key, new MemoryEntry(flightKey.Epoch, value), new MemoryCacheEntryOptions
                {
                    AbsoluteExpirationRelativeToNow = _options.MemoryTtl,
                    Size = 1,
                });
            }
            return value;
        }
        finally
        {
            _flights.TryRemove(flightKey, out _);
        }
    }

    private async Task<(bool Found, T? Value, string? Generation)> TryReadRedisAsync<T>(string key, JsonTypeInfo<T> typeInfo)
    {
        if (HasPendingInvalidation || Environment.TickCount64 < Volatile.Read(ref _redisRetryAt))
        {
            return (false, default, null);
        }

        RedisResult[] result;
        try
        {
            result = (RedisResult[])await Multiplexer().GetDatabase()
                .ScriptEvaluateAsync(ReadScript, [_generationKey], [_options.KeyPrefix, key]).ConfigureAwait(false);
            RedisSucceeded();
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            RedisFailed(exception, "read");
            return (false, default, null);
        }

        var generation = (string?)result[0];
        if (result.Length < 2)
        {
            return (false, default, generation);
        }
        try
        {
            var value = JsonSerializer.Deserialize((byte[]?)result[1], typeInfo);
            _metrics.RedisHit();
            return (true, value, generation);
        }
        catch (JsonException exception)
        {
            // A value this version cannot read (e.g. written by an older one): load and overwrite it.
            LogUnreadable(_logger, exception, key);
            return (false, default, generation);
        }
    }

    private async Task TryWriteRedisAsync<T>(string key, string generation, T value, JsonTypeInfo<T> typeInfo)
    {
        try
        {
            var bytes = JsonSerializer.SerializeToUtf8Bytes(value, typeInfo);
            await Multiplexer().GetDatabase()
                .StringSetAsync($"{_options.KeyPrefix}:{generation}:{key}", bytes, _options.RedisTtl).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            RedisFailed(exception, "write");
        }
    }

    private void RedisFailed(Exception exception, string operation)
    {
        _metrics.RedisError();
        Volatile.Write(ref _redisRetryAt, Environment.TickCount64 + (long)_options.RedisRetryAfter.TotalMilliseconds);
        if (Interlocked.Exchange(ref _redisFailing, 1) == 0)
        {
            LogRedisDown(_logger, exception, operation, _options.RedisRetryAfter);
        }
        else
        {
            LogRedisStillDown(_logger, operation, exception.Message);
        }
    }

    private void RedisSucceeded()
    {
        if (Interlocked.Exchange(ref _redisFailing, 0) == 1)
        {
            LogRedisBack(_logger);
        }
    }

    private static void InterlockedMax(ref long location, long value)
    {
        var current = Volatile.Read(ref location);
        while (current < value)
        {
            var seen = Interlocked.CompareExchange(ref location, value, current);
            if (seen == current)
            {
                return;
            }
            current = seen;
        }
    }

    private readonly record struct FlightKey(long Epoch, string Key);

    private sealed record MemoryEntry(long Epoch, object? Value);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Catalog cache: Redis {Operation} failed; reads go to the database and Redis is retried in {RetryAfter}.")]
    private static partial void LogRedisDown(ILogger logger, Exception exception, string operation, TimeSpan retryAfter);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Catalog cache: Redis {Operation} failed again: {Reason}")]
    private static partial void LogRedisStillDown(ILogger logger, string operation, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Catalog cache: Redis works again.")]
    private static partial void LogRedisBack(ILogger logger);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Catalog cache invalidated: generation {Generation}.")]
    private static partial void LogInvalidated(ILogger logger, long generation);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Catalog cache: the Redis value of '{Key}' could not be read; loading it again.")]
    private static partial void LogUnreadable(ILogger logger, Exception exception, string key);
}
