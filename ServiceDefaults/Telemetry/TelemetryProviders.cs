using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Shop.ServiceDefaults.Telemetry;

/// <summary>
/// Owns the process's <see cref="MeterProvider"/> and <see cref="TracerProvider"/>. OpenTelemetry.Extensions.Hosting
/// (which would normally build these from DI) is not on the feed, so they are built with the plain SDK
/// builders and handed the application's <see cref="IConfiguration"/>, so that OTEL_* settings coming from
/// appsettings or the environment are read the same way.
/// </summary>
internal sealed class TelemetryProviders : IDisposable
{
    private int _disposed;

    public TelemetryProviders(IConfiguration configuration, IHostEnvironment environment, IOptions<ShopTelemetryOptions> options)
    {
        var settings = options.Value;
        var exportOtlp = TelemetryConfiguration.IsOtlpExporterEnabled(configuration);

        var meterBuilder = Sdk.CreateMeterProviderBuilder()
            .ConfigureServices(services => services.AddSingleton(configuration))
            .ConfigureResource(resource => TelemetryConfiguration.ConfigureResource(resource, environment.ApplicationName))
            .AddMeter(Select(TelemetrySources.Meters, settings));
        if (exportOtlp)
        {
            meterBuilder.AddOtlpExporter();
        }

        var tracerBuilder = Sdk.CreateTracerProviderBuilder()
            .ConfigureServices(services => services.AddSingleton(configuration))
            .ConfigureResource(resource => TelemetryConfiguration.ConfigureResource(resource, environment.ApplicationName))
            .AddSource(Select(TelemetrySources.ActivitySources, settings));
        if (exportOtlp)
        {
            tracerBuilder.AddOtlpExporter();
        }

        MeterProvider = meterBuilder.Build();
        TracerProvider = tracerBuilder.Build();
    }

    public MeterProvider MeterProvider { get; }

    public TracerProvider TracerProvider { get; }

    /// <summary>Pushes what is buffered before the process goes away (exporters batch).</summary>
    public void ForceFlush(int timeoutMilliseconds)
    {
        MeterProvider.ForceFlush(timeoutMilliseconds);
        TracerProvider.ForceFlush(timeoutMilliseconds);
    }

    public void Dispose()
    {
        // Both the hosted service (on stop) and the container (on dispose) call this.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        TracerProvider.Dispose();
        MeterProvider.Dispose();
    }

    private static string[] Select(IReadOnlyList<string> framework, ShopTelemetryOptions settings) =>
        framework.Concat(settings.Sources)
            .Where(name => !string.IsNullOrWhiteSpace(name) && !settings.ExcludedSources.Contains(name))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToArray();
}
