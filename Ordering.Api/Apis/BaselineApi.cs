using Microsoft.Extensions.Options;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Shop.Ordering.Api.Baseline;
using Shop.Ordering.Api.Buying;
using Shop.ServiceDefaults.Identity;
using Shop.ServiceDefaults.Problems;

namespace Shop.Ordering.Api.Apis;

public sealed record BaselineSaleRequest(Guid SaleId, int Quantity, int PerBuyerLimit, decimal SalePrice, DateTimeOffset StartsAt, DateTimeOffset EndsAt);

/// <summary>
/// The benchmark's baseline (textbook synchronous path), mapped only when <c>Ordering:Baseline:Enabled</c>:
/// <c>POST /api/baseline/flash-sales</c> (admin) creates a sale, <c>POST /api/baseline/flash-sales/{id}/orders</c>
/// buys with the same headers, body and answers as the real path.
/// </summary>
public static class BaselineApi
{
    public static void MapBaselineApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/baseline/flash-sales");
        group.MapPost("/", ArmAsync).RequireAuthorization(ShopRoles.AdminPolicy).ExcludeFromDescription();
        group.MapPost("/{saleId:guid}/orders", BuyAsync).RequireAuthorization(ShopRoles.UserPolicy).ExcludeFromDescription();
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> ArmAsync(BaselineSaleRequest sale, BaselineBuy baseline, CancellationToken cancellationToken)
    {
        if (sale.Quantity < 0 || sale.PerBuyerLimit < 1 || sale.SalePrice <= 0 || sale.EndsAt <= sale.StartsAt)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, type: ProblemTypes.InvalidRequest,
                detail: "quantity ≥ 0, perBuyerLimit ≥ 1, salePrice > 0 and endsAt after startsAt.");
        }
        await baseline.ArmAsync(sale.SaleId, sale.Quantity, sale.PerBuyerLimit, sale.SalePrice, sale.StartsAt, sale.EndsAt, cancellationToken).ConfigureAwait(false);
        return TypedResults.NoContent();
    }

    public static async Task<Results<Accepted<BuyAccepted>, ProblemHttpResult>> BuyAsync(
        Guid saleId, HttpContext http, ClaimsPrincipal user, BaselineBuy baseline, IOptions<BuyingOptions> options, CancellationToken cancellationToken)
    {
        var buyerId = user.UserId();
        if (BuyApi.ValidateIdempotencyKey(http.Request.Headers[BuyApi.IdempotencyKeyHeader]) is { } keyProblem)
        {
            return Problem(StatusCodes.Status400BadRequest, ProblemTypes.InvalidRequest, keyProblem);
        }
        var (request, bodyStatus, bodyProblem) = await BuyApi.ReadBodyAsync(http, options.Value.MaxBodyBytes).ConfigureAwait(false);
        if (bodyProblem is not null)
        {
            return Problem(bodyStatus, ProblemTypes.InvalidRequest, bodyProblem);
        }
        var (outcome, orderId) = await baseline.BuyAsync(saleId, buyerId, http.Request.Headers[BuyApi.IdempotencyKeyHeader].ToString(), request!.Quantity, cancellationToken).ConfigureAwait(false);
        return outcome switch
        {
            BaselineOutcome.Accepted or BaselineOutcome.Repeat => TypedResults.Accepted($"/api/baseline/orders/{orderId}", new BuyAccepted(orderId, "confirmed")),
            BaselineOutcome.SoldOut => Problem(StatusCodes.Status409Conflict, ProblemTypes.SoldOut, "This sale is sold out."),
            BaselineOutcome.OverLimit => Problem(StatusCodes.Status409Conflict, ProblemTypes.OverLimit, "Over the per-buyer limit."),
            BaselineOutcome.NotStarted => Problem(StatusCodes.Status403Forbidden, ProblemTypes.SaleNotStarted, "The sale has not started."),
            BaselineOutcome.Ended => Problem(StatusCodes.Status409Conflict, ProblemTypes.SaleEnded, "The sale has ended."),
            _ => Problem(StatusCodes.Status404NotFound, ProblemTypes.SaleNotFound, $"There is no baseline sale {saleId}."),
        };
    }

    private static ProblemHttpResult Problem(int status, string type, string detail) => TypedResults.Problem(statusCode: status, type: type, detail: detail);
}
