using Microsoft.Extensions.DependencyInjection;
using Shop.ServiceDefaults.Hosting;
using Shop.ServiceDefaults.Http;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The one call every Shop service makes, in the shape of Aspire's ServiceDefaults template. It lives in
/// <c>Microsoft.Extensions.Hosting</c> like the template's, so call sites read as in any Aspire app.
/// </summary>
public static class Extensions
{
    /// <summary>
    /// A prompt stop (<see cref="ShutdownDefaults"/>), OpenTelemetry (logs, metrics, traces), the default health checks, service discovery, and the standard
    /// resilience handler plus service discovery on every <see cref="System.Net.Http.HttpClient"/> made by
    /// <see cref="System.Net.Http.IHttpClientFactory"/>.
    /// </summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.AddShutdownDefaults();
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.Services.AddServiceDiscovery();

        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            // Resilience is the outer handler and discovery the inner one, so every retry resolves the logical
            // name again and lands on the next replica (round-robin).
            http.AddStandardResilienceHandler(options => options.Retry.RetryOnlyRepeatableRequests());
            http.AddServiceDiscovery();
        });

        return builder;
    }
}
