using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
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
    public const string IdempotencyKeyHeader = "Idempotency-Key";

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
        if (ValidateIdempotencyKey(http.Request.Headers[IdempotencyKeyHeader]) is { } keyProblem)
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

    /// <summary>1 to 64 characters of letters, digits and <c>-_.:</c>, as on Shop's buy path.</summary>
    internal static string? ValidateIdempotencyKey(Microsoft.Extensions.Primitives.StringValues header)
    {
        if (header.Count == 0 || string.IsNullOrEmpty(header[0]))
        {
            return "The Idempotency-Key header is required: send one new key (e.g. a GUID) per purchase attempt, and the same key when you retry it.";
        }
        var key = header[0]!;
        if (header.Count > 1 || key.Length > 64 || !key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':'))
        {
            return "The Idempotency-Key header must be one value of 1 to 64 letters, digits, '-', '_', '.' or ':'.";
        }
        return null;
    }

    /// <summary>
    /// The body, read here rather than bound so that every bad one is a 400/413/415 with a reason: <c>application/json</c>
    /// only, at most Kestrel's request body limit (Program.cs), a quantity of at least 1.
    /// </summary>
    private static async Task<(BaselineBuyRequest? Request, int Status, string? Problem)> ReadBodyAsync(HttpContext http)
    {
        if (!http.Request.HasJsonContentType())
        {
            return (null, StatusCodes.Status415UnsupportedMediaType,
                $"The body must be JSON like {BodyExample}, sent with Content-Type: application/json (got '{http.Request.ContentType ?? "none"}').");
        }
        try
        {
            var body = await JsonSerializer.DeserializeAsync(http.Request.Body, BaselineJsonContext.Default.BaselineBuyRequest, http.RequestAborted).ConfigureAwait(false);
            return body switch
            {
                null => (null, StatusCodes.Status400BadRequest, $"The body must be JSON like {BodyExample}."),
                { Quantity: < 1 } => (null, StatusCodes.Status400BadRequest, "The quantity must be at least 1."),
                _ => (body, StatusCodes.Status200OK, null),
            };
        }
        catch (JsonException)
        {
            return (null, StatusCodes.Status400BadRequest, $"The body must be JSON like {BodyExample}.");
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, StatusCodes.Status413PayloadTooLarge, $"The body may be at most {MaxBodyBytes} bytes; it needs only {BodyExample}.");
        }
    }

    private static ProblemHttpResult Problem(int status, string type, string detail) => TypedResults.Problem(statusCode: status, type: type, detail: detail);
}
