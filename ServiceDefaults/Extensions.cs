using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The one call every Shop service makes. It lives in <c>Microsoft.Extensions.Hosting</c>, like Aspire's
/// ServiceDefaults, so moving to real Aspire is a change of project reference, not of call sites.
/// </summary>
public static class Extensions
{
    /// <summary>
    /// Telemetry (logs, metrics, traces), the default health checks, service discovery, and the standard
    /// resilience handler plus service discovery on every <see cref="System.Net.Http.HttpClient"/> made by
    /// <see cref="System.Net.Http.IHttpClientFactory"/>.
    /// </summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.Services.AddServiceDiscovery();

        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            // Order matters: resilience is the outer handler, discovery the inner one, so every retry
            // resolves the logical name again and lands on the next replica (round-robin).
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });

        return builder;
    }
}
