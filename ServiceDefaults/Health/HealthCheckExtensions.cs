using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Shop.ServiceDefaults.Health;
using Shop.ServiceDefaults.Metrics;

namespace Microsoft.Extensions.Hosting;

/// <summary>Default health checks and the /health, /alive and /metrics endpoints.</summary>
public static class HealthCheckExtensions
{
    /// <summary>
    /// Adds a "self" check tagged <c>live</c>: if the process can answer, it is alive. Dependencies add their own
    /// checks through the client integrations; a check that sets no timeout gets <see cref="HealthEndpoints.DefaultCheckTimeout"/>.
    /// </summary>
    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);

        // Once only: the health check service refuses two checks of one name.
        if (builder.Services.Any(d => d.ServiceType == typeof(SelfCheckMarker)))
        {
            return builder;
        }

        builder.Services.AddSingleton<SelfCheckMarker>();
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), [HealthEndpoints.LiveTag]);
        builder.Services.PostConfigure<HealthCheckServiceOptions>(options =>
        {
            foreach (var registration in options.Registrations.Where(r => r.Timeout == Timeout.InfiniteTimeSpan))
            {
                registration.Timeout = HealthEndpoints.DefaultCheckTimeout;
            }
        });
        return builder;
    }

    /// <summary>
    /// Lists a client integration's check under the resource's name (<c>cache</c>, <c>catalogdb</c>,
    /// <c>messaging</c>), the name the AppHost, the dashboard and the docs use, instead of the integration's
    /// generic one (<see cref="IntegrationHealthChecks"/>). A check that is not registered (the integration's
    /// <c>DisableHealthChecks</c>) is left alone.
    /// </summary>
    public static TBuilder NameHealthCheck<TBuilder>(this TBuilder builder, string registeredName, string resourceName)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(registeredName);
        ArgumentException.ThrowIfNullOrWhiteSpace(resourceName);

        builder.Services.PostConfigure<HealthCheckServiceOptions>(options =>
        {
            foreach (var registration in options.Registrations.Where(r => r.Name == registeredName))
            {
                registration.Name = resourceName;
            }
        });
        return builder;
    }

    /// <summary>
    /// Maps <c>/health</c> (all checks) and <c>/alive</c> (only <c>live</c> checks) in every environment, not only
    /// in Development as the template does: the orchestrator, the tests and deployment probes rely on them. Both
    /// answer JSON (exception details in Development only), 200 when Healthy or Degraded and 503 when Unhealthy,
    /// are anonymous, never output-cached and never rate-limited. Also <c>/metrics</c>, Prometheus's scrape
    /// endpoint (<see cref="MetricsEndpoint"/>), with the same conventions. On the <see cref="ManagementPort"/> only,
    /// when the service has one.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);

        IEndpointConventionBuilder[] endpoints =
        [
            MapProbe(app, HealthEndpoints.HealthPath, predicate: null),
            MapProbe(app, HealthEndpoints.AlivePath, registration => registration.Tags.Contains(HealthEndpoints.LiveTag)),
            MetricsEndpoint.Map(app),
        ];
        if (ManagementPort.Of(app.Configuration) is { } managementPort)
        {
            foreach (var endpoint in endpoints)
            {
                endpoint.OnManagementPort();
            }
            app.UseManagementPortOnly(managementPort);
        }
        return app;
    }

    private static IEndpointConventionBuilder MapProbe(WebApplication app, string path, Func<HealthCheckRegistration, bool>? predicate)
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

        // These conventions only add endpoint metadata, so they are harmless when the service has no
        // authorization, output caching or rate limiting, and correct when it has.
        return app.MapHealthChecks(path, options)
            .AllowAnonymous()
            .CacheOutput(policy => policy.NoCache())
            .DisableRateLimiting();
    }

    private sealed class SelfCheckMarker;
}
