using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Shop.Ordering.Worker.Messaging;

/// <summary>
/// A start-up check: Unhealthy until every consumer has started once — the catalog events' consumer has declared
/// its queue, the batch loop has created its group on the gate's reservations stream — then Healthy for good (later
/// outages show in the messaging and gate checks, so this one never flaps). Without it the worker would look ready
/// before its queue exists, and a sale announced in that moment would be routed nowhere.
/// </summary>
public sealed class ConsumerReadiness : IHealthCheck
{
    public const string Name = "consumers";

    private static readonly string[] Queues = [Reservations.LedgerStream.Name, IntegrationEvents.EventTopology.OrderingCatalogEvents.Name];
    private readonly HashSet<string> _started = [];

    public void Started(string queue)
    {
        lock (_started)
        {
            _started.Add(queue);
        }
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        lock (_started)
        {
            var waiting = Queues.Where(q => !_started.Contains(q)).ToList();
            return Task.FromResult(waiting.Count == 0
                ? HealthCheckResult.Healthy("consuming " + string.Join(", ", Queues))
                : HealthCheckResult.Unhealthy("not consuming yet: " + string.Join(", ", waiting)));
        }
    }
}
