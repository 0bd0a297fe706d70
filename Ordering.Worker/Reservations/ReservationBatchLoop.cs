using Microsoft.Extensions.Options;
using Shop.Ordering.Worker.Gate;
using Shop.Ordering.Worker.Infrastructure;

namespace Shop.Ordering.Worker.Reservations;

/// <summary>
/// The single writer of orders: takes batches from the <see cref="ReservationBuffer"/> and processes each under
/// the <see cref="GateLock"/>, which is how the rebuild pauses it (the rebuild holds the lock while it rewrites the
/// gate, and only starts when no delivery is outstanding).
/// </summary>
public sealed class ReservationBatchLoop(
    ReservationBuffer buffer,
    BatchProcessor processor,
    GateLock gateLock,
    StartupGate gate,
    IOptions<WorkerOptions> options) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await gate.WaitAsync(stoppingToken);
        var settings = options.Value;
        while (!stoppingToken.IsCancellationRequested)
        {
            var batch = await buffer.ReadBatchAsync(settings.BatchSize, settings.BatchLinger, stoppingToken);
            using (await gateLock.AcquireAsync(stoppingToken))
            {
                await processor.ProcessAsync(batch, stoppingToken);
            }
        }
    }
}
