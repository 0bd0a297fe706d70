using Microsoft.Extensions.Options;

namespace Shop.Catalog.Api.Stock;

/// <summary>
/// The resync: reads every stock figure from ordering-api into <see cref="ItemStockSnapshot"/> at start and then every
/// <see cref="OrderingStockOptions.ResyncInterval"/>, after a failed read again <see cref="OrderingStockOptions.RetryInterval"/>
/// later. Between reads Ordering's events keep the figures current (<see cref="ItemStockEventsConsumer"/>); the read
/// repairs what events the catalog missed. When ordering-api cannot be reached (not started yet, restarting, no
/// reference to it in the composition) the snapshot stays, events still update it, and the catalog keeps answering;
/// one warning per outage, one line when it ends, never an exception. At start, before any figures arrived,
/// ordering-api may simply not be up yet: that is a warning only once it has lasted <see cref="OrderingStockOptions.StartupGrace"/>.
/// </summary>
public sealed partial class ItemStockRefresher(
    IServiceProvider services,
    ItemStockSnapshot snapshot,
    IOptions<OrderingStockOptions> options,
    TimeProvider time,
    ILogger<ItemStockRefresher> logger) : BackgroundService
{
    private readonly DateTimeOffset _startedAt = time.GetUtcNow();
    private DateTimeOffset? _outageSince;
    private bool _warned;
    private bool _everRead;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield(); // not on the host's start-up path
        var settings = options.Value;
        try
        {
            while (true)
            {
                var read = await RefreshAsync(stoppingToken).ConfigureAwait(false);
                // The wait runs on the TimeProvider (a test's clock sees each wait asked for); from the end of a read,
                // so a slow read never makes the next one follow at once.
                await Task.Delay(read ? settings.ResyncInterval : settings.RetryInterval, time, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    /// <summary>One read: replace the snapshot's figures (true), or keep them and note the outage (false).</summary>
    public async Task<bool> RefreshAsync(CancellationToken cancellationToken)
    {
        try
        {
            // A typed client per read (they are transient): the factory's handlers rotate, a kept client's would not.
            var client = services.GetRequiredService<OrderingStockClient>();
            // The figures are at least as recent as the request: an event that occurred after it was sent wins.
            var readAt = time.GetUtcNow();
            var levels = await client.GetItemLevelsAsync(cancellationToken).ConfigureAwait(false);
            snapshot.Replace(levels, readAt);
            _everRead = true;
            if (_outageSince is { } since)
            {
                _outageSince = null;
                LogRecovered(logger, snapshot.Count, time.GetUtcNow() - since);
            }
            return true;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A timeout is an OperationCanceledException too; only the host's own stop ends the loop.
            var now = time.GetUtcNow();
            if (_outageSince is null)
            {
                _outageSince = now;
                _warned = false;
                if (!_everRead)
                {
                    LogNotYetReadable(logger, exception.GetType().Name, exception.Message);
                }
            }
            if (!_warned && (_everRead || now - _startedAt >= options.Value.StartupGrace))
            {
                _warned = true;
                LogUnreachable(logger, exception.GetType().Name, exception.Message, snapshot.Count);
            }
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ordering's stock figures cannot be read ({Error}: {Reason}); the catalog keeps the ones it has ({Count} item(s)), which Ordering's events still update, and its own stock for the others.")]
    private static partial void LogUnreachable(ILogger logger, string error, string reason, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ordering's stock figures cannot be read yet ({Error}: {Reason}); the catalog shows its own stock, or what Ordering's events report, until they can.")]
    private static partial void LogNotYetReadable(ILogger logger, string error, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ordering's stock figures can be read again ({Count} item(s)), after {Duration}.")]
    private static partial void LogRecovered(ILogger logger, int count, TimeSpan duration);
}
