using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Shop.ServiceDefaults.Telemetry;

namespace Microsoft.Extensions.Hosting;

/// <summary>OpenTelemetry set-up: logs, metrics and traces, exported over OTLP when an endpoint is configured.</summary>
public static class TelemetryExtensions
{
    /// <summary>
    /// Logs go through the OpenTelemetry logger provider (formatted message and scopes included); metrics and
    /// traces come from the framework's built-in meters and activity sources plus the service's own
    /// (<see cref="AddShopTelemetrySource{TBuilder}"/>). OTLP export is on only when
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set; the exporter reads the other OTEL_* variables itself.
    /// </summary>
    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);

        var applicationName = builder.Environment.ApplicationName;
        var exportOtlp = TelemetryConfiguration.IsOtlpExporterEnabled(builder.Configuration);

        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });
        builder.Services.ConfigureOpenTelemetryLoggerProvider(logging =>
        {
            logging.ConfigureResource(resource => TelemetryConfiguration.ConfigureResource(resource, applicationName));
            if (exportOtlp)
            {
                logging.AddOtlpExporter();
            }
        });

        builder.Services.AddOptions<ShopTelemetryOptions>();
        builder.Services.TryAddSingleton<TelemetryProviders>();
        builder.Services.TryAddSingleton<MeterProvider>(sp => sp.GetRequiredService<TelemetryProviders>().MeterProvider);
        builder.Services.TryAddSingleton<TracerProvider>(sp => sp.GetRequiredService<TelemetryProviders>().TracerProvider);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<Hosting.IHostedService, TelemetryHostedService>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IStartupFilter, ServerActivityStartupFilter>());

        return builder;
    }

    /// <summary>
    /// Listens to the service's own <see cref="System.Diagnostics.ActivitySource"/> and
    /// <see cref="System.Diagnostics.Metrics.Meter"/> of these names (wildcards allowed, e.g. <c>Shop.Ordering.*</c>).
    /// Call before the host is built.
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
        builder.Services.Configure<ShopTelemetryOptions>(options =>
        {
            foreach (var name in copy)
            {
                options.Sources.Add(name);
            }
        });
        return builder;
    }
}
