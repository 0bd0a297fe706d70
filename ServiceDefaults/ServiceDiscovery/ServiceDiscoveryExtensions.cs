using Microsoft.Extensions.DependencyInjection.Extensions;
using Shop.ServiceDefaults.ServiceDiscovery;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Configuration-based service discovery, shaped like Microsoft.Extensions.ServiceDiscovery (not on the feed):
/// <c>services.AddServiceDiscovery()</c> and <c>httpClientBuilder.AddServiceDiscovery()</c>.
/// </summary>
public static class ServiceDiscoveryExtensions
{
    /// <summary>Registers <see cref="IServiceEndpointResolver"/>, reading <c>services:{name}:{endpoint}:{i}</c>.</summary>
    public static IServiceCollection AddServiceDiscovery(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        services.AddLogging();
        services.TryAddSingleton<IServiceEndpointResolver, ConfigurationServiceEndpointResolver>();
        return services;
    }

    /// <summary>
    /// Resolves logical addresses (<c>http://catalog-api</c>, <c>https+http://catalog-api</c>) of this client's
    /// requests to configured endpoints, round-robin. Hosts without configuration are sent unchanged.
    /// </summary>
    public static IHttpClientBuilder AddServiceDiscovery(this IHttpClientBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.Services.AddServiceDiscovery();
        builder.AddHttpMessageHandler(sp => new ServiceDiscoveryHttpMessageHandler(sp.GetRequiredService<IServiceEndpointResolver>()));
        return builder;
    }
}
