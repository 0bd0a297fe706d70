using Microsoft.Extensions.Options;
using Shop.Ordering.Worker.Infrastructure;
using Shop.Ordering.Worker.Telemetry;

namespace Shop.Ordering.Worker.Lifecycle;

/// <summary>Every second, expires what is due (several rounds if a backlog built up), then gives the units back to the gate at once.</summary>
public sealed partial class OrderExpiryService(
    OrderExpirer expirer,
    ReleaseApplier releases,
    WorkerMetrics metrics,
    IOptions<WorkerOptions> options,
    ILogger<OrderExpiryService> logger) : PeriodicService(logger)
{
    // Bounds one tick's work; whatever is left is due again a second later.
    private const int MaxRoundsPerTick = 20;

    protected override TimeSpan Interval => options.Value.ExpiryInterval;

    protected override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        for (var round = 0; round < MaxRoundsPerTick; round++)
        {
            var expired = await expirer.ExpireDueAsync(cancellationToken);
            total += expired;
            if (expired < options.Value.ExpiryBatchSize)
            {
                break;
            }
        }
        if (total == 0)
        {
            return;
        }
        metrics.Expired(total);
        LogExpired(Logger, total);
        await releases.ApplyAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Expired {Count} unpaid orders; their units are back in the ledger")]
    private static partial void LogExpired(ILogger logger, int count);
}
