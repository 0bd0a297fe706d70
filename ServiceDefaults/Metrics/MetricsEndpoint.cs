using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Shop.ServiceDefaults.Metrics;

/// <summary>
/// The Prometheus scrape endpoint every Shop service serves (docs/monitoring.md): OpenTelemetry's Prometheus
/// exporter over the same meters the OTLP exporter sends to the dashboard, so Prometheus and the dashboard see
/// the same figures under the exporter's Prometheus names (<c>shop.ordering.decisions</c> →
/// <c>shop_ordering_decisions_total</c>).
/// </summary>
public static class MetricsEndpoint
{
    /// <summary>Where Prometheus scrapes every service (the AppHost's targets and monitoring/prometheus.yml use it).</summary>
    public const string Path = "/metrics";

    internal static bool IsScrape(PathString path) =>
        path.StartsWithSegments(Path, StringComparison.OrdinalIgnoreCase, out var rest) && (!rest.HasValue || rest.Value == "/");

    /// <summary>
    /// Maps <see cref="Path"/> like the probes: anonymous (Prometheus has no token, and the figures are operational,
    /// not shoppers' data), never output-cached and never rate-limited, so a shedding service still reports that it
    /// sheds.
    /// </summary>
    internal static IEndpointConventionBuilder Map(WebApplication app) =>
        app.MapPrometheusScrapingEndpoint(Path)
            .AllowAnonymous()
            .CacheOutput(policy => policy.NoCache())
            .DisableRateLimiting();
}
