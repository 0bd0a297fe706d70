using Microsoft.Extensions.Options;
using Shop.Ordering.Core.Redis;
using Shop.Ordering.Worker.Infrastructure;
using Shop.Ordering.Worker.Telemetry;
using StackExchange.Redis;

namespace Shop.Ordering.Worker.Gate;

/// <summary>
/// Samples the gate's memory for the gauges, so that an operator is warned (ShopGateMemoryHigh) before the gate
/// reaches its soft limit (new reservations refused) or its maxmemory (every write refused). The limits themselves
/// are enforced by the gate's scripts and Redis, never here.
/// </summary>
public sealed class GateMemoryMonitor(
    GateClient gateClient,
    WorkerMetrics metrics,
    IOptions<WorkerOptions> options,
    ILogger<GateMemoryMonitor> logger) : PeriodicService(logger)
{
    protected override TimeSpan Interval => options.Value.GateMemoryInterval;

    protected override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            metrics.SetGateMemory(await gateClient.MemoryAsync());
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            metrics.SetGateMemory(null);
            throw;
        }
    }
}
