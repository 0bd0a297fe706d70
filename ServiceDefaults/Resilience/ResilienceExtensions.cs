using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;
using Shop.ServiceDefaults.Resilience;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// <c>AddStandardResilienceHandler()</c> on Polly.Core, shaped like Microsoft.Extensions.Http.Resilience
/// (not on the feed).
/// </summary>
public static class ResilienceExtensions
{
    /// <summary>
    /// Adds total timeout, retry (exponential back-off with jitter, transient failures only, idempotent or
    /// Idempotency-Key requests only), circuit breaker and per-attempt timeout to the client. Settings come from
    /// <c>HttpClientDefaults:Resilience</c>, then <paramref name="configure"/>.
    /// </summary>
    public static IHttpClientBuilder AddStandardResilienceHandler(this IHttpClientBuilder builder, Action<HttpStandardResilienceOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);

        var services = builder.Services;
        services.AddLogging();
        services.AddOptions();
        services.TryAddSingleton<HttpResiliencePipelines>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<HttpStandardResilienceOptions>, BindFromConfiguration>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HttpStandardResilienceOptions>, HttpStandardResilienceOptionsValidator>());
        if (configure is not null)
        {
            // A null name (ConfigureHttpClientDefaults) configures every client.
            services.Configure(builder.Name, configure);
        }

        // Through HttpClientFactoryOptions rather than AddHttpMessageHandler, because only the handler builder
        // knows the client's name when this was called from ConfigureHttpClientDefaults.
        services.Configure<HttpClientFactoryOptions>(builder.Name, factoryOptions =>
            factoryOptions.HttpMessageHandlerBuilderActions.Add(handlers =>
            {
                var pipelines = handlers.Services.GetRequiredService<HttpResiliencePipelines>();
                handlers.AdditionalHandlers.Add(pipelines.CreateHandler(handlers.Name ?? Options.Options.DefaultName));
            }));

        return builder;
    }

    /// <summary>Binds <see cref="HttpStandardResilienceOptions.SectionName"/> onto the options of every client name.</summary>
    private sealed class BindFromConfiguration(IConfiguration? configuration = null) : IConfigureNamedOptions<HttpStandardResilienceOptions>
    {
        public void Configure(HttpStandardResilienceOptions options) => Configure(Options.Options.DefaultName, options);

        public void Configure(string? name, HttpStandardResilienceOptions options) =>
            configuration?.GetSection(HttpStandardResilienceOptions.SectionName).Bind(options);
    }
}
