using Microsoft.Extensions.Options;
using Shop.Ordering.Core.Redis;
using Shop.Ordering.Worker.Infrastructure;
using Shop.Ordering.Worker.Telemetry;
using StackExchange.Redis;

namespace Shop.Ordering.Worker.Gate;

/// <summary>
/// Watches <c>ordering:ready</c>. When it is absent (Redis restarted without its data, or a new Redis), the hot
/// path refuses every buy (reserve.lua answers "restoring"). The reservations the lost gate had accepted and the
/// ledger did not have yet were in the same Redis (its stream) and are gone with it, except a batch the worker is
/// persisting: this loop takes the <see cref="GateWriteLock"/>, which the batch loop holds from reading a batch to
/// settling it, so that batch lands in the ledger first. Then it rebuilds every stock from the ledger and sets
/// <c>ordering:ready</c>, and the hot path accepts again. On an empty database that is just setting the key: this
/// is also how a fresh system starts accepting.
/// </summary>
public sealed partial class GateRebuildService(
    GateRebuilder rebuilder,
    GateClient gateClient,
    GateWriteLock gateWriteLock,
    IConnectionMultiplexer redis,
    WorkerMetrics metrics,
    TimeProvider time,
    IOptions<WorkerOptions> options,
    ILogger<GateRebuildService> logger) : PeriodicService(logger)
{
    private bool _lost;

    protected override TimeSpan Interval => options.Value.RebuildCheckInterval;

    protected override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        if (await gateClient.IsReadyAsync())
        {
            _lost = false;
            return;
        }
        if (!_lost)
        {
            _lost = true;
            LogGateLost(Logger);
        }

        using var held = await gateWriteLock.AcquireAsync(cancellationToken);
        if (await gateClient.IsReadyAsync())
        {
            return;
        }
        var started = time.GetTimestamp();
        var summary = await rebuilder.RebuildAsync(stockId: null, cancellationToken);
        await redis.GetDatabase().StringSetAsync(GateKeys.Ready, $"rebuilt {time.GetUtcNow():O}");
        _lost = false;
        metrics.Rebuilt();
        LogRebuilt(Logger, summary.Stocks, summary.Buyers, summary.Answers, summary.ReleasesMarked,
            time.GetElapsedTime(started).TotalMilliseconds);
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The gate holds no state (ordering:ready is absent: Redis is new or lost its data); buying is paused until it is rebuilt from the ledger")]
    private static partial void LogGateLost(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Rebuilt the gate from the ledger: {Stocks} stocks, {Buyers} buyer holdings, {Answers} idempotency answers, {ReleasesMarked} releases marked applied; ordering:ready is set and buying resumes ({Milliseconds:0} ms)")]
    private static partial void LogRebuilt(ILogger logger, int stocks, int buyers, int answers, int releasesMarked, double milliseconds);
}
