using Microsoft.Extensions.Options;

namespace Shop.Catalog.Api.Stock;

/// <summary>
/// Reads Ordering's stock figures into <see cref="ItemStockSnapshot"/> every <see cref="OrderingStockOptions.RefreshInterval"/>.
/// When ordering-api cannot be reached (not started yet, restarting, no reference to it in the composition) the last
/// snapshot stays and the catalog keeps answering; one warning per outage, one line when it ends, never an exception.
/// At start, before any figures arrived, ordering-api may simply not be up yet: that is a warning only once it has
/// lasted <see cref="OrderingStockOptions.StartupGrace"/>.
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
        try
        {
            using var timer = new PeriodicTimer(options.Value.RefreshInterval, time);
            do
            {
                await RefreshAsync(stoppingToken).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    /// <summary>One round: replace the snapshot, or keep it and note the outage.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        try
        {
            // A typed client per round (they are transient): the factory's handlers rotate, a kept client's would not.
            var client = services.GetRequiredService<OrderingStockClient>();
            var levels = await client.GetItemLevelsAsync(cancellationToken).ConfigureAwait(false);
            snapshot.Replace(levels);
            _everRead = true;
            if (_outageSince is { } since)
            {
                _outageSince = null;
                LogRecovered(logger, snapshot.Count, time.GetUtcNow() - since);
            }
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
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ordering's stock figures cannot be read ({Error}: {Reason}); the catalog shows the last ones it had ({Count} item(s)) and its own stock for the others until they can.")]
    private static partial void LogUnreachable(ILogger logger, string error, string reason, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ordering's stock figures cannot be read yet ({Error}: {Reason}); the catalog shows its own stock until they can.")]
    private static partial void LogNotYetReadable(ILogger logger, string error, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ordering's stock figures can be read again ({Count} item(s)), after {Duration}.")]
    private static partial void LogRecovered(ILogger logger, int count, TimeSpan duration);
}
