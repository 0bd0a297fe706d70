using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Shop.ServiceDefaults.Http;
using Shop.ServiceDefaults.Identity;
using Shop.ServiceDefaults.Problems;

namespace Shop.Baseline.Api;

/// <summary>
/// The benchmark's textbook path over HTTP: <c>POST /api/baseline/flash-sales</c> (admin) creates a sale,
/// <c>POST /api/baseline/flash-sales/{id}/orders</c> buys with the same headers, body and answers as Shop's
/// <c>POST /api/flash-sales/{id}/orders</c> (the bench classifies both systems' answers alike).
/// </summary>
public static class BaselineApi
{
    public const string IdempotencyKeyHeader = IdempotencyKeys.Header;

    /// <summary>The largest request body (Kestrel's limit, Program.cs), as on Shop's buy path: a body needs a few bytes.</summary>
    public const int MaxBodyBytes = 1024;

    private const string BodyExample = "{\"quantity\": 1}";

    public static void MapBaselineApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/baseline/flash-sales");
        group.MapPost("/", ArmAsync).RequireAuthorization(ShopRoles.AdminPolicy);
        group.MapPost("/{saleId:guid}/orders", BuyAsync).RequireAuthorization(ShopRoles.UserPolicy);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> ArmAsync(BaselineSaleRequest sale, BaselineBuy baseline, CancellationToken cancellationToken)
    {
        if (sale.Quantity < 0 || sale.PerBuyerLimit < 1 || sale.SalePrice <= 0 || sale.EndsAt <= sale.StartsAt)
        {
            return Problem(StatusCodes.Status400BadRequest, ProblemTypes.InvalidRequest,
                "quantity ≥ 0, perBuyerLimit ≥ 1, salePrice > 0 and endsAt after startsAt.");
        }
        await baseline.ArmAsync(sale.SaleId, sale.Quantity, sale.PerBuyerLimit, sale.SalePrice, sale.StartsAt, sale.EndsAt, cancellationToken).ConfigureAwait(false);
        return TypedResults.NoContent();
    }

    public static async Task<Results<Accepted<BaselineBuyAccepted>, ProblemHttpResult>> BuyAsync(
        Guid saleId, HttpContext http, ClaimsPrincipal user, BaselineBuy baseline, CancellationToken cancellationToken)
    {
        var buyerId = user.UserId();
        if (IdempotencyKeys.Validate(http.Request.Headers[IdempotencyKeyHeader]) is { } keyProblem)
        {
            return Problem(StatusCodes.Status400BadRequest, ProblemTypes.InvalidRequest, keyProblem);
        }
        var (request, bodyStatus, bodyProblem) = await ReadBodyAsync(http).ConfigureAwait(false);
        if (bodyProblem is not null)
        {
            return Problem(bodyStatus, ProblemTypes.InvalidRequest, bodyProblem);
        }
        var (outcome, orderId) = await baseline.BuyAsync(saleId, buyerId, http.Request.Headers[IdempotencyKeyHeader].ToString(), request!.Quantity, cancellationToken).ConfigureAwait(false);
        return outcome switch
        {
            BaselineOutcome.Accepted or BaselineOutcome.Repeat => TypedResults.Accepted($"/api/baseline/orders/{orderId}", new BaselineBuyAccepted(orderId, "confirmed")),
            BaselineOutcome.SoldOut => Problem(StatusCodes.Status409Conflict, ProblemTypes.SoldOut, "This sale is sold out."),
            BaselineOutcome.OverLimit => Problem(StatusCodes.Status409Conflict, ProblemTypes.OverLimit, "Over the per-buyer limit."),
            BaselineOutcome.NotStarted => Problem(StatusCodes.Status403Forbidden, ProblemTypes.SaleNotStarted, "The sale has not started."),
            BaselineOutcome.Ended => Problem(StatusCodes.Status409Conflict, ProblemTypes.SaleEnded, "The sale has ended."),
            _ => Problem(StatusCodes.Status404NotFound, ProblemTypes.SaleNotFound, $"There is no baseline sale {saleId}."),
        };
    }

    /// <summary>The body as on Shop's buy path (ServiceDefaults' JsonBodies: 415/413/400 with a reason), a quantity of at least 1.</summary>
    private static async Task<(BaselineBuyRequest? Request, int Status, string? Problem)> ReadBodyAsync(HttpContext http)
    {
        var (request, status, problem) = await JsonBodies.ReadAsync(http, MaxBodyBytes, BaselineJsonContext.Default.BaselineBuyRequest, BodyExample).ConfigureAwait(false);
        return request is { Quantity: < 1 } ? (null, StatusCodes.Status400BadRequest, "The quantity must be at least 1.") : (request, status, problem);
    }

    private static ProblemHttpResult Problem(int status, string type, string detail) => TypedResults.Problem(statusCode: status, type: type, detail: detail);
}
