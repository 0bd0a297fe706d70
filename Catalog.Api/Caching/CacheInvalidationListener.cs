using StackExchange.Redis;

namespace Shop.Catalog.Api.Caching;

/// <summary>
/// Keeps the replicas' memory layers in step: subscribes to the invalidation channel (and drops this process's
/// memory layer when another replica changed the data), drops it as well when the Redis connection comes back
/// (messages may have been missed meanwhile), and retries invalidations that could not reach Redis.
/// </summary>
public sealed partial class CacheInvalidationListener(TwoLevelCache cache, ILogger<CacheInvalidationListener> logger) : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var subscribed = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            if (!subscribed)
            {
                subscribed = await TrySubscribeAsync().ConfigureAwait(false);
            }
            if (cache.HasPendingInvalidation)
            {
                await cache.TryApplyInvalidationAsync().ConfigureAwait(false);
            }
            try
            {
                await Task.Delay(RetryDelay, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<bool> TrySubscribeAsync()
    {
        try
        {
            var multiplexer = cache.Multiplexer();
            // The client re-subscribes by itself after a reconnect; the drop covers what was missed meanwhile.
            await multiplexer.GetSubscriber().SubscribeAsync(cache.InvalidationChannel, (_, sender) =>
            {
                if (sender != cache.InstanceId)
                {
                    cache.DropLocal();
                }
            }).ConfigureAwait(false);
            multiplexer.ConnectionRestored += (_, _) => cache.DropLocal();
            LogSubscribed(logger, cache.InvalidationChannel.ToString());
            return true;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogSubscribeFailed(logger, exception.Message);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Catalog cache listens for invalidations on '{Channel}'.")]
    private static partial void LogSubscribed(ILogger logger, string channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Catalog cache could not subscribe to invalidations yet ({Reason}); retrying.")]
    private static partial void LogSubscribeFailed(ILogger logger, string reason);
}
