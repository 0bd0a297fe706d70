using Microsoft.AspNetCore.Http.HttpResults;
using Shop.Catalog.Api.Apis.Contracts;
using Shop.Catalog.Api.Caching;
using Shop.Catalog.Api.Infrastructure;
using Shop.Catalog.Data;

namespace Shop.Catalog.Api.Apis;

/// <summary>The public read API of flash sales (anonymous, cached): what the sale pages show.</summary>
public static class FlashSalesApi
{
    public static RouteGroupBuilder MapFlashSalesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/flash-sales").WithTags("Flash sales");

        api.MapGet("/", GetCurrentSalesAsync)
            .WithName("ListFlashSales")
            .WithSummary("List the live and upcoming flash sales")
            .WithDescription("Soonest first, with the item's name, picture and regular price. Remaining stock is Ordering's: GET /api/flash-sales/{id}/stock on ordering-api.");

        api.MapGet("/ids", GetSaleIdsAsync)
            .WithName("ListFlashSaleIds")
            .WithSummary("The id of every flash sale, ended and cancelled ones too")
            .WithDescription("What the storefront checks a sale page's id against, so that made-up ids never reach this API.");

        api.MapGet("/{id}", GetSaleAsync)
            .WithName("GetFlashSale")
            .WithSummary("Get one flash sale (also ended or cancelled ones)")
            .ProducesProblem(StatusCodes.Status404NotFound);

        return api;
    }

    public static async Task<Ok<List<FlashSaleResponse>>> GetCurrentSalesAsync(CatalogReader reader, CancellationToken cancellationToken) =>
        TypedResults.Ok(await reader.GetCurrentSalesAsync(cancellationToken).ConfigureAwait(false));

    public static async Task<Ok<List<Guid>>> GetSaleIdsAsync(CatalogReader reader, CancellationToken cancellationToken) =>
        TypedResults.Ok(await reader.GetSaleIdsAsync(cancellationToken).ConfigureAwait(false));

    public static async Task<Results<Ok<FlashSaleResponse>, ProblemHttpResult>> GetSaleAsync(Guid id, CatalogReader reader, CancellationToken cancellationToken)
    {
        var sale = await reader.GetSaleAsync(id, cancellationToken).ConfigureAwait(false);
        return sale is null ? Problems.NotFound($"There is no flash sale with id {id}.") : TypedResults.Ok(sale);
    }
}
