using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Shop.Catalog.Api.Apis;
using Shop.Catalog.Api.Caching;
using Shop.Catalog.Api.Identity;
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

        // Users (seeded by the migrations resource, DatabaseMigrations).
        services.AddSingleton<IPasswordHasher<ShopUser>, PasswordHasher<ShopUser>>();
        services.AddScoped<UserAuthenticator>();

        // HTTP: JSON, errors, limits, OpenAPI.
        services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, CatalogJsonContext.Default));
        // Binding failures (malformed JSON, wrong types) answered with a problem+json that says what was wrong.
        services.AddBadRequestProblems();
        services.Configure<KestrelServerOptions>(options => options.Limits.MaxRequestBodySize = MaxRequestBodySize);
        services.AddShopOpenApi("Shop Catalog API", "Products, categories, flash-sale definitions and sign-in. Get a token from POST /api/identity/token.");

        // Password hashing is deliberately expensive: bound how many sign-ins run at once.
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.AddConcurrencyLimiter(IdentityApi.RateLimiterPolicy, limiter =>
            {
                limiter.PermitLimit = Math.Max(2, Environment.ProcessorCount);
                limiter.QueueLimit = 200;
                limiter.QueueProcessingOrder = QueueProcessingOrder.OldestFirst;
            });
            options.OnRejected = async (context, cancellationToken) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "1";
                await context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context.HttpContext,
                    ProblemDetails = { Status = StatusCodes.Status429TooManyRequests, Title = "Too many requests", Detail = "Too many sign-ins at once; retry in a second." },
                }).ConfigureAwait(false);
            };
        });

        return builder;
    }
}
