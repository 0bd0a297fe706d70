using Microsoft.Extensions.Options;
using Shop.Ordering.Core.Messaging;
using Shop.Ordering.Core.Redis;
using Shop.Ordering.Worker.Infrastructure;
using Shop.Ordering.Worker.Messaging;
using Shop.Ordering.Worker.Reservations;
using Shop.Ordering.Worker.Telemetry;
using StackExchange.Redis;

namespace Shop.Ordering.Worker.Gate;

/// <summary>
/// Watches <c>ordering:alive</c>. When it is absent (Redis restarted without its data, or a new Redis), the hot
/// path refuses every buy (reserve.lua answers "restoring"); this loop then waits until nothing is in flight —
/// the reservations queue empty and no delivery outstanding in the worker — because reservations the lost gate
/// had counted are not in the ledger yet, and a gate rebuilt before they land would sell their units again. Then,
/// holding the <see cref="GateLock"/> (which pauses the batch loop and every other gate writer), it rebuilds every
/// sale from the ledger and sets <c>ordering:alive</c>, and the hot path accepts again. On an empty database that
/// is just setting the key: this is also how a fresh system starts accepting.
/// </summary>
public sealed partial class GateRebuildService(
    GateRebuilder rebuilder,
    GateClient gateClient,
    GateLock gateLock,
    ReservationBuffer buffer,
    QueueProbe probe,
    IConnectionMultiplexer redis,
    WorkerMetrics metrics,
    TimeProvider time,
    StartupGate gate,
    IOptions<WorkerOptions> options,
    ILogger<GateRebuildService> logger) : PeriodicService(gate, logger)
{
    private bool _lost;
    private (uint? Ready, long Outstanding) _lastWait;

    protected override TimeSpan Interval => options.Value.RebuildCheckInterval;

    protected override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        if (await gateClient.IsAliveAsync())
        {
            _lost = false;
            return;
        }
        if (!_lost)
        {
            _lost = true;
            LogGateLost(Logger);
        }

        using var held = await gateLock.AcquireAsync(cancellationToken);
        if (await gateClient.IsAliveAsync())
        {
            return;
        }
        var outstanding = buffer.Outstanding;
        var ready = await probe.MessageCountAsync(OrderingTopology.ReservationsQueue, cancellationToken);
        if (outstanding > 0 || ready is not 0)
        {
            // Releasing the lock lets the batch loop drain; the next tick checks again. Logged when it changes.
            if ((ready, outstanding) != _lastWait)
            {
                _lastWait = (ready, outstanding);
                LogWaitingForDrain(Logger, ready?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown", outstanding);
            }
            return;
        }

        var started = time.GetTimestamp();
        var summary = await rebuilder.RebuildAsync(saleId: null, cancellationToken);
        await redis.GetDatabase().StringSetAsync(GateKeys.Alive, $"rebuilt {time.GetUtcNow():O}");
        _lost = false;
        metrics.Rebuilt();
        LogRebuilt(Logger, summary.Sales, summary.Buyers, summary.Answers, summary.Released, summary.OrdersMarked, summary.ReleasesMarked,
            time.GetElapsedTime(started).TotalMilliseconds);
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The gate holds no state (ordering:alive is absent: Redis is new or lost its data); buying is paused until it is rebuilt from the ledger")]
    private static partial void LogGateLost(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rebuild waits for reservations in flight: {Ready} in the queue, {Outstanding} in the worker")]
    private static partial void LogWaitingForDrain(ILogger logger, string ready, long outstanding);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Rebuilt the gate from the ledger: {Sales} sales, {Buyers} buyer holdings, {Answers} idempotency answers, {Released} released orders ({OrdersMarked} orders and {ReleasesMarked} releases it had not seen yet); ordering:alive is set and buying resumes ({Milliseconds:0} ms)")]
    private static partial void LogRebuilt(ILogger logger, int sales, int buyers, int answers, int released, int ordersMarked, int releasesMarked, double milliseconds);
}
