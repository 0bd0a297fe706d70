using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Shop.ServiceDefaults.Health;
using Shop.ServiceDefaults.Metrics;

namespace Microsoft.Extensions.Hosting;

/// <summary>OpenTelemetry: logs, metrics and traces, exported over OTLP when an endpoint is configured.</summary>
public static class OpenTelemetryExtensions
{
    /// <summary>The standard variable that says where the collector (the Aspire dashboard, in run mode) listens.</summary>
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>
    /// ASP.NET Core, HttpClient and runtime instrumentation, the framework's Blazor spans, and the service's own
    /// meters and sources (<see cref="AddShopTelemetrySource{TBuilder}"/>). Client integrations add their own.
    /// </summary>
    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        var applicationName = builder.Environment.ApplicationName;
        var telemetry = builder.Services.AddOpenTelemetry()
            // service.name falls back to the application name; the environment detector comes last so that
            // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES (service.instance.id per replica, set by the
            // orchestrator) win, since later resources override earlier ones when the builder merges them.
            .ConfigureResource(resource => resource.Clear()
                .AddService(applicationName)
                .AddTelemetrySdk()
                .AddEnvironmentVariableDetector())
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                // Pulled by Prometheus at /metrics (MapDefaultEndpoints), beside the OTLP push to the dashboard.
                .AddPrometheusExporter())
            .WithTracing(tracing => tracing
                // Probes and scrapes would otherwise be most of the traces of an idle service.
                .AddAspNetCoreInstrumentation(options => options.Filter = context =>
                    !HealthEndpoints.IsProbe(context.Request.Path) && !MetricsEndpoint.IsScrape(context.Request.Path))
                .AddHttpClientInstrumentation()
                .AddSource("Microsoft.AspNetCore.Components*"));

        // Without an endpoint the exporter would retry against localhost:4317 forever and log about it.
        if (!string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointKey]))
        {
            telemetry.UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>
    /// Listens to the service's own <see cref="System.Diagnostics.Metrics.Meter"/>s and
    /// <see cref="System.Diagnostics.ActivitySource"/>s of these names (wildcards allowed, e.g. <c>Shop.Ordering.*</c>).
    /// The names belong to the code that creates the instruments, not to the deployment, hence code rather than configuration.
    /// </summary>
    public static TBuilder AddShopTelemetrySource<TBuilder>(this TBuilder builder, params string[] names)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(names);
        foreach (var name in names)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(name);
        }

        var copy = names.ToArray();
        builder.Services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddMeter(copy));
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddSource(copy));
        return builder;
    }
}
