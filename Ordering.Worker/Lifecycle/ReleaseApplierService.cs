using Microsoft.Extensions.Options;
using Shop.Ordering.Worker.Infrastructure;

namespace Shop.Ordering.Worker.Lifecycle;

/// <summary>Polls for releases every ~500 ms: the API's cancellations arrive only through the table.</summary>
public sealed class ReleaseApplierService(
    ReleaseApplier releases,
    IOptions<WorkerOptions> options,
    ILogger<ReleaseApplierService> logger) : PeriodicService(logger)
{
    protected override TimeSpan Interval => options.Value.ReleaseInterval;

    protected override Task RunOnceAsync(CancellationToken cancellationToken) => releases.ApplyAsync(cancellationToken);
}
