using Microsoft.Extensions.DependencyInjection;

namespace Shop.ServiceDefaults.OpenApi;

public static class ShopOpenApiExtensions
{
    /// <summary>
    /// The service's OpenAPI document (served at <c>/openapi/v1.json</c> by <c>MapOpenApi()</c>), with its title, a
    /// description and the bearer token every protected operation needs (a token comes from identity-api's
    /// <c>POST /connect/token</c>).
    /// </summary>
    public static IServiceCollection AddShopOpenApi(this IServiceCollection services, string title, string description) =>
        services.AddOpenApi(options =>
        {
            var bearer = new BearerSecuritySchemeTransformer(title, description);
            options.AddDocumentTransformer(bearer);
            options.AddOperationTransformer(bearer);
            options.AddOperationTransformer<JsonRequestBodyTransformer>();
        });
}
