using Microsoft.AspNetCore.Http.HttpResults;
using Shop.Ordering.Api.Admission;
using Shop.Ordering.Core.Redis;
using StackExchange.Redis;
using Shop.ServiceDefaults.Http;
using Shop.ServiceDefaults.Problems;

namespace Shop.Ordering.Api.Apis;

/// <summary><c>GET /api/flash-sales/{id}/stock</c>: units the gate can still sell, with the window and server time (for countdowns).</summary>
public static class SaleStockApi
{
    /// <summary>The 503's detail when the gate is out of reach (also the item stock endpoints').</summary>
    internal const string StockUnavailable = "Stock is unavailable for a moment: try again.";

    public static RouteGroupBuilder MapSaleStockApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/flash-sales");
        group.MapGet("/{saleId:guid}/stock", GetStockAsync).WithName("GetSaleStock").WithSummary("Remaining units of a flash sale.")
            .AnswerUnavailableDependencies(StockUnavailable);
        return group;
    }

    public static async Task<Results<Ok<SaleStock>, ProblemHttpResult>> GetStockAsync(Guid saleId, GateClient gate, TimeProvider time, HttpContext http)
    {
        if (await gate.StockFiguresAsync(saleId).ConfigureAwait(false) is not { } figures)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, type: ProblemTypes.SaleNotFound, detail: $"There is no flash sale {saleId}.");
        }
        // Short client-side caching: a crowd polling the stock costs one Redis read per client per second.
        http.Response.Headers.CacheControl = "public, max-age=1";
        return TypedResults.Ok(new SaleStock(saleId, figures.Available, figures.Initial, figures.Status, figures.StartsAt, figures.EndsAt, time.GetUtcNow()));
    }
}
