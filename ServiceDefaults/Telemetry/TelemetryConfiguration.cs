using Microsoft.Extensions.Configuration;
using OpenTelemetry.Resources;

namespace Shop.ServiceDefaults.Telemetry;

/// <summary>The pieces of the OpenTelemetry set-up that logs, metrics and traces share.</summary>
internal static class TelemetryConfiguration
{
    /// <summary>The standard variable that says where the collector (the dashboard, in development) listens.</summary>
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>
    /// Export only when somebody collects: without an endpoint the OTLP exporter would retry against
    /// localhost:4317 forever and log about it.
    /// </summary>
    public static bool IsOtlpExporterEnabled(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration[OtlpEndpointKey]);

    /// <summary>
    /// service.name falls back to the application name, then the environment detector runs last so that
    /// OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES (service.instance.id per replica, set by the
    /// orchestrator) win: later resources override earlier ones when the builder merges them.
    /// </summary>
    public static void ConfigureResource(ResourceBuilder resource, string applicationName) =>
        resource.Clear()
            .AddService(applicationName)
            .AddTelemetrySdk()
            .AddEnvironmentVariableDetector();
}
