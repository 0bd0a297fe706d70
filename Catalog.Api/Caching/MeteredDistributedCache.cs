using Microsoft.Extensions.Caching.Distributed;

namespace Shop.Catalog.Api.Caching;

/// <summary>
/// Redis as FusionCache's second level, with its failures counted in <see cref="CacheMetrics"/>. The failure itself
/// is FusionCache's to handle (it logs it, opens its circuit breaker for <see cref="CatalogCacheOptions.RedisRetryAfter"/>,
/// answers from the database and retries writes by auto-recovery), so every exception goes on to it unchanged.
/// </summary>
public sealed class MeteredDistributedCache(IDistributedCache redis, CacheMetrics metrics) : IDistributedCache
{
    public byte[]? Get(string key)
    {
        try
        {
            return redis.Get(key);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            metrics.RedisError();
            throw;
        }
    }

    public async Task<byte[]?> GetAsync(string key, CancellationToken token = default)
    {
        try
        {
            return await redis.GetAsync(key, token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            metrics.RedisError();
            throw;
        }
    }

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options)
    {
        try
        {
            redis.Set(key, value, options);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            metrics.RedisError();
            throw;
        }
    }

    public async Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        try
        {
            await redis.SetAsync(key, value, options, token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            metrics.RedisError();
            throw;
        }
    }

    public void Refresh(string key)
    {
        try
        {
            redis.Refresh(key);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            metrics.RedisError();
            throw;
        }
    }

    public async Task RefreshAsync(string key, CancellationToken token = default)
    {
        try
        {
            await redis.RefreshAsync(key, token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            metrics.RedisError();
            throw;
        }
    }

    public void Remove(string key)
    {
        try
        {
            redis.Remove(key);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            metrics.RedisError();
            throw;
        }
    }

    public async Task RemoveAsync(string key, CancellationToken token = default)
    {
        try
        {
            await redis.RemoveAsync(key, token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            metrics.RedisError();
            throw;
        }
    }
}
