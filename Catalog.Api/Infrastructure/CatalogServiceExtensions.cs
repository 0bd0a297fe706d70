using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Shop.Catalog.Api.Caching;
using Shop.Catalog.Api.Messaging;
using Shop.Catalog.Api.Stock;
using Shop.Catalog.Data;
using Shop.ServiceDefaults.Http;
using Shop.ServiceDefaults.OpenApi;

namespace Shop.Catalog.Api.Infrastructure;

/// <summary>The catalog's own services, on top of ServiceDefaults and the client integrations.</summary>
public static class CatalogServiceExtensions
{
    /// <summary>Nothing the catalog accepts is anywhere near this; larger bodies are refused with 413.</summary>
    public const long MaxRequestBodySize = 64 * 1024;

    public static WebApplicationBuilder AddCatalogServices(this WebApplicationBuilder builder)
    {
        var services = builder.Services;

        services.AddOptions<OutboxOptions>().BindConfiguration(OutboxOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);

        // Reads: FusionCache (memory, Redis, backplane on the "cache" connection) with the catalog's metrics.
        services.AddCatalogCache();
        services.AddSingleton<CatalogReader>();

        // Stock: the figures Ordering reports (docs/checkout.md), read every second, shown over the cached rows.
        services.AddOrderingStock();

        // Announcements: transactional outbox and its publisher.
        services.AddSingleton<OutboxSignal>();
        services.AddHostedService<OutboxPublisher>();

        // HTTP: JSON, errors, limits, OpenAPI.
        services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, CatalogJsonContext.Default));
        // Binding failures (malformed JSON, wrong types) answered with a problem+json that says what was wrong.
        services.AddBadRequestProblems();
        services.Configure<KestrelServerOptions>(options => options.Limits.MaxRequestBodySize = MaxRequestBodySize);
        services.AddShopOpenApi("Shop Catalog API", "Products, categories and flash-sale definitions. Admin endpoints take a token from identity-api (docs/identity.md).");

        return builder;
    }
}
