using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Shop.ServiceDefaults.Health;

namespace Microsoft.Extensions.Hosting;

/// <summary>Default health checks and the /health and /alive endpoints.</summary>
public static class HealthCheckExtensions
{
    /// <summary>
    /// Adds a "self" check tagged <c>live</c>: if the process can answer, it is alive. Dependencies add their
    /// own checks (tagged <c>ready</c>) through the client integrations.
    /// </summary>
    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);

        var checks = builder.Services.AddHealthChecks();
        if (builder.Services.All(d => d.ServiceType != typeof(SelfCheckMarker)))
        {
            builder.Services.AddSingleton<SelfCheckMarker>();
            checks.AddCheck("self", () => HealthCheckResult.Healthy(), [HealthEndpoints.LiveTag]);
        }

        return builder;
    }

    /// <summary>
    /// Maps <c>/health</c> (all checks) and <c>/alive</c> (only <c>live</c> checks) in every environment, because
    /// the orchestrator and deployment probes rely on them. Both answer JSON, 200 when Healthy or Degraded and 503
    /// when Unhealthy, are anonymous, never output-cached and never rate-limited.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);

        MapProbe(app, HealthEndpoints.HealthPath, predicate: null);
        MapProbe(app, HealthEndpoints.AlivePath, registration => registration.Tags.Contains(HealthEndpoints.LiveTag));
        return app;
    }

    private static void MapProbe(WebApplication app, string path, Func<HealthCheckRegistration, bool>? predicate)
    {
        var options = new HealthCheckOptions
        {
            Predicate = predicate,
            ResponseWriter = HealthResponseWriter.WriteAsync,
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status200OK,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        };

        // The conventions below only add endpoint metadata, so they are harmless when the service has no
        // authorization, output caching or rate limiting, and correct when it has.
        app.MapHealthChecks(path, options)
            .AllowAnonymous()
            .CacheOutput(policy => policy.NoCache())
            .DisableRateLimiting();
    }

    private sealed class SelfCheckMarker;
}
