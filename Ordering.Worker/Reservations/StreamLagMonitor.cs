using Microsoft.Extensions.Options;
using Shop.Ordering.Core.Redis;
using Shop.Ordering.Worker.Infrastructure;
using Shop.Ordering.Worker.Telemetry;
using StackExchange.Redis;

namespace Shop.Ordering.Worker.Reservations;

/// <summary>
/// Samples the reservations stream's backlog for the gauges: its length, what the worker holds unsettled, and the
/// age of the oldest entry (an entry's id is its time in ms). The gauges' callbacks only read the last sample: an
/// observable instrument must never wait for Redis.
/// </summary>
public sealed class StreamLagMonitor(
    IConnectionMultiplexer redis,
    GateClient gateClient,
    WorkerMetrics metrics,
    TimeProvider time,
    IOptions<WorkerOptions> options,
    ILogger<StreamLagMonitor> logger) : PeriodicService(logger)
{
    protected override TimeSpan Interval => options.Value.StreamLagInterval;

    protected override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        var database = redis.GetDatabase();
        try
        {
            var length = await database.StreamLengthAsync(GateKeys.Reservations);
            var oldest = length == 0 ? null : await gateClient.OldestReservationAsync();
            var pending = await PendingAsync(database);
            var lag = oldest is { } accepted ? time.GetUtcNow() - accepted : TimeSpan.Zero;
            metrics.SetStreamBacklog(length, pending, lag < TimeSpan.Zero ? TimeSpan.Zero : lag);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            metrics.SetStreamBacklog(null, null, null);
            throw;
        }
    }

    private static async Task<long> PendingAsync(IDatabase database)
    {
        try
        {
            return (await database.StreamPendingAsync(GateKeys.Reservations, LedgerStream.Group)).PendingMessageCount;
        }
        catch (RedisServerException e) when (e.Message.StartsWith("NOGROUP", StringComparison.Ordinal))
        {
            // No worker has created its group yet (or the gate lost it): nothing is held.
            return 0;
        }
    }
}
