using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Shop.AppHost.Monitoring;

/// <summary>
/// Keeps Prometheus's targets file in step with the app: every instance of every resource marked with
/// <see cref="MetricsEndpointAnnotation"/> (both ordering-api replicas, each at its own port), from Aspire's
/// resource notifications. An instance that stops stays a target, so that Prometheus sees it down (<c>up == 0</c>)
/// rather than forgetting it.
/// </summary>
internal sealed partial class ScrapeTargetsWriter(
    ResourceNotificationService notifications,
    DistributedApplicationModel model,
    ScrapeTargetsFile file,
    ILogger<ScrapeTargetsWriter> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var scraped = model.Resources
            .Select(r => (r.Name, Endpoint: r.Annotations.OfType<MetricsEndpointAnnotation>().LastOrDefault()))
            .Where(r => r.Endpoint is not null)
            .ToDictionary(r => r.Name, r => r.Endpoint!, StringComparer.Ordinal);
        var targets = new SortedDictionary<string, ScrapeTarget>(StringComparer.Ordinal);
        try
        {
            await file.UpdateAsync([], stoppingToken).ConfigureAwait(false);
            await foreach (var update in notifications.WatchAsync(stoppingToken).ConfigureAwait(false))
            {
                if (!scraped.TryGetValue(update.Resource.Name, out var endpoint)
                    || ScrapeTarget.Of(update, endpoint) is not { } target
                    || (targets.TryGetValue(update.ResourceId, out var known) && known == target))
                {
                    continue;
                }
                targets[update.ResourceId] = target;
                await file.UpdateAsync([.. targets.Values], stoppingToken).ConfigureAwait(false);
                LogTarget(logger, target.Instance, target.Address, file.Path);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The AppHost is stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Prometheus scrapes {Instance} at {Address} ({File})")]
    private static partial void LogTarget(ILogger logger, string instance, string address, string file);
}
