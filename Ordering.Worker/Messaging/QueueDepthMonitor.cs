using Microsoft.Extensions.Options;
using Shop.Ordering.Core.Messaging;
using Shop.Ordering.Worker.Infrastructure;
using Shop.Ordering.Worker.Telemetry;

namespace Shop.Ordering.Worker.Messaging;

/// <summary>
/// Samples the reservations queue's depth for the gauge. The gauge's callback only reads the last sample: an
/// observable instrument must never wait for a broker.
/// </summary>
public sealed class QueueDepthMonitor(
    QueueProbe probe,
    WorkerMetrics metrics,
    StartupGate gate,
    IOptions<WorkerOptions> options,
    ILogger<QueueDepthMonitor> logger) : PeriodicService(gate, logger)
{
    protected override TimeSpan Interval => options.Value.QueueDepthInterval;

    protected override async Task RunOnceAsync(CancellationToken cancellationToken) =>
        metrics.SetQueueDepth((long?)await probe.MessageCountAsync(OrderingTopology.ReservationsQueue, cancellationToken) ?? -1);
}
