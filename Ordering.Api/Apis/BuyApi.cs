using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Shop.Ordering.Api.Buying;
using Shop.Ordering.Api.Telemetry;
using Shop.Ordering.Core.Redis;
using Shop.ServiceDefaults.Http;
using Shop.ServiceDefaults.Identity;
using Shop.ServiceDefaults.Telemetry;
using StackExchange.Redis;
using Shop.ServiceDefaults.Problems;

namespace Shop.Ordering.Api.Apis;

/// <summary>
/// <c>POST /api/flash-sales/{saleId}/orders</c>: the buy hot path. Cheap checks first (the token and the
/// Idempotency-Key, the in-process sold-out flag, the body, the buyer's token bucket, the concurrency limit), then one
/// Lua script in Redis. No database on this path.
/// </summary>
public static partial class BuyApi
{
    public const string IdempotencyKeyHeader = IdempotencyKeys.Header;

    public static RouteGroupBuilder MapBuyApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/flash-sales").RequireAuthorization(ShopRoles.UserPolicy);
        group.MapPost("/{saleId:guid}/orders", BuyAsync)
            .WithName("Buy")
            .WithSummary("Reserve units of a flash sale; the order becomes durable shortly after.")
            .WithDescription("Send an Idempotency-Key header (1–64 of letters, digits, '-', '_', '.', ':'): one new key per purchase " +
                "attempt, the same key when retrying it; a repeated key always gets its first answer.")
            // The body is read by the handler (so that a bad one is a 400/413/415 with a reason); this documents it.
            .Accepts<BuyRequest>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return group;
    }

    public static async Task<Results<Accepted<BuyAccepted>, ProblemHttpResult>> BuyAsync(
        Guid saleId,
        HttpContext http,
        ClaimsPrincipal user,
        GateClient gate,
        SoldOutShortcut soldOut,
        BuyAdmission admission,
        IOptions<BuyingOptions> options,
        OrderingApiMetrics metrics,
        ILoggerFactory loggers)
    {
        var buyerId = user.UserId();
        if (IdempotencyKeys.Validate(http.Request.Headers[IdempotencyKeyHeader]) is { } keyProblem)
        {
            return Problem(metrics, "invalid", StatusCodes.Status400BadRequest, ProblemTypes.InvalidRequest, keyProblem);
        }
        var idempotencyKey = http.Request.Headers[IdempotencyKeyHeader].ToString();

        // After the sell-out: answered from this replica's memory before anything else is paid for. A key the gate
        // never accepted gets "sold out" without its body being read or the buyer's bucket being charged (the
        // answer changes nothing, and a sold-out storm is most of a sale's requests); a retry of an accepted key
        // gets its first answer, once its body says it is the same request.
        var shortcut = soldOut.Check(saleId, buyerId, idempotencyKey, out var first);
        if (shortcut == ShortcutAnswer.SoldOut)
        {
            return Problem(metrics, "sold-out", StatusCodes.Status409Conflict, ProblemTypes.SoldOut, "This sale is sold out.");
        }
        var (request, bodyStatus, bodyProblem) = await ReadBodyAsync(http, options.Value.MaxBodyBytes).ConfigureAwait(false);
        if (bodyProblem is not null)
        {
            return Problem(metrics, "invalid", bodyStatus, ProblemTypes.InvalidRequest, bodyProblem);
        }
        if (shortcut == ShortcutAnswer.Repeat)
        {
            return Answer(new ReservationDecision(ReservationOutcome.Repeat, first.OrderId, first.Quantity), saleId, request!.Quantity, http, soldOut, metrics);
        }

        using var buyerLease = admission.AdmitBuyer(buyerId);
        if (!buyerLease.IsAcquired)
        {
            http.Response.Headers.RetryAfter = RetryAfterSeconds(buyerLease);
            return Problem(metrics, "shed", StatusCodes.Status429TooManyRequests, ProblemTypes.Busy, "Too many attempts from your account: try again in a moment.");
        }
        using var decisionLease = admission.AdmitDecision();
        if (!decisionLease.IsAcquired)
        {
            http.Response.Headers.RetryAfter = "1";
            return Problem(metrics, "shed", StatusCodes.Status429TooManyRequests, ProblemTypes.Busy, "The shop is very busy: try again in a second.");
        }

        ReservationDecision decision;
        try
        {
            decision = await gate.ReserveAsync(saleId, buyerId, idempotencyKey, request!.Quantity, TraceParents.Current()).ConfigureAwait(false);
        }
        // Unreachable, too slow, or refusing (an error reply, e.g. out of memory under noeviction): not the buyer's fault.
        catch (Exception e) when (e is RedisConnectionException or RedisTimeoutException or RedisServerException or TimeoutException)
        {
            LogGateUnavailable(loggers.CreateLogger(typeof(BuyApi)), e);
            http.Response.Headers.RetryAfter = "1";
            return Problem(metrics, "error", StatusCodes.Status503ServiceUnavailable, ProblemTypes.Unavailable, "The sale cannot take orders for a moment: try again.");
        }
        return Answer(decision, saleId, request.Quantity, http, soldOut, metrics);
    }

    private static Results<Accepted<BuyAccepted>, ProblemHttpResult> Answer(
        ReservationDecision decision, Guid saleId, int quantity, HttpContext http, SoldOutShortcut soldOut, OrderingApiMetrics metrics)
    {
        switch (decision.Outcome)
        {
            case ReservationOutcome.Accepted:
                metrics.Decision("reserved");
                return TypedResults.Accepted($"/api/orders/{decision.OrderId}", new BuyAccepted(decision.OrderId, "pending"));
            case ReservationOutcome.Repeat when decision.Quantity == quantity:
                // The same request again (a double click, a retry): the first answer, never a second unit.
                metrics.Decision("repeat");
                return TypedResults.Accepted($"/api/orders/{decision.OrderId}", new BuyAccepted(decision.OrderId, "pending"));
            case ReservationOutcome.Repeat:
                return Problem(metrics, "invalid", StatusCodes.Status422UnprocessableEntity, ProblemTypes.IdempotencyKeyReused,
                    $"This Idempotency-Key was used for a request of {decision.Quantity} unit(s); use a new key for a different request.");
            case ReservationOutcome.SoldOut:
                if (decision.Number == 0)
                {
                    soldOut.MarkSoldOut(saleId, decision.AcceptedKeys);
                }
                return Problem(metrics, "sold-out", StatusCodes.Status409Conflict, ProblemTypes.SoldOut,
                    decision.Number == 0 ? "This sale is sold out." : $"Only {decision.Number} unit(s) left: ask for fewer.");
            case ReservationOutcome.OverLimit:
                return Problem(metrics, "over-limit", StatusCodes.Status409Conflict, ProblemTypes.OverLimit,
                    decision.Number <= 0
                        ? $"You already hold the most units one buyer may have in this sale ({decision.Limit})."
                        : $"One buyer may hold at most {decision.Limit} unit(s) in this sale: you may take {decision.Number} more.");
            case ReservationOutcome.NotStarted:
                var starts = DateTimeOffset.FromUnixTimeMilliseconds(decision.Number);
                return Problem(metrics, "not-started", StatusCodes.Status403Forbidden, ProblemTypes.SaleNotStarted,
                    $"The sale starts at {starts.ToString("O", CultureInfo.InvariantCulture)}.");
            case ReservationOutcome.Ended:
                return Problem(metrics, "ended", StatusCodes.Status409Conflict, ProblemTypes.SaleEnded, "The sale has ended.");
            case ReservationOutcome.Cancelled:
                return Problem(metrics, "ended", StatusCodes.Status409Conflict, ProblemTypes.SaleCancelled, "The sale was cancelled.");
            case ReservationOutcome.UnknownSale:
                return Problem(metrics, "unknown", StatusCodes.Status404NotFound, ProblemTypes.SaleNotFound, $"There is no flash sale {saleId}.");
            default:
                http.Response.Headers.RetryAfter = "2";
                return Problem(metrics, "restoring", StatusCodes.Status503ServiceUnavailable, ProblemTypes.GateRestoring,
                    "The sale is being restored after an outage: try again in a few seconds.");
        }
    }

    /// <summary>The body: <c>application/json</c> only (else 415), at most <paramref name="maxBytes"/> (else 413), a quantity of at least 1 (else 400).</summary>
    internal static async Task<(BuyRequest? Request, int Status, string? Problem)> ReadBodyAsync(HttpContext http, int maxBytes)
    {
        var (request, status, problem) = await JsonBodies.ReadAsync(http, maxBytes, OrderingApiJsonContext.Default.BuyRequest, BodyExample).ConfigureAwait(false);
        return request is { Quantity: < 1 } ? (null, StatusCodes.Status400BadRequest, "The quantity must be at least 1.") : (request, status, problem);
    }

    /// <summary>
    /// Routing answers 415 itself when a request's Content-Type is not one an endpoint <c>Accepts</c>; this gives
    /// that answer a reason.
    /// </summary>
    public static void DescribeUnsupportedMediaType(ProblemDetailsContext context)
    {
        if (context.ProblemDetails.Status == StatusCodes.Status415UnsupportedMediaType && context.ProblemDetails.Detail is null)
        {
            context.ProblemDetails.Type = ProblemTypes.InvalidRequest;
            context.ProblemDetails.Detail = context.HttpContext.Request.Path.StartsWithSegments("/api/orders", StringComparison.Ordinal)
                ? JsonBodies.UnsupportedMediaTypeDetail(context.HttpContext, CheckoutApi.BodyExample)
                : UnsupportedMediaTypeDetail(context.HttpContext);
        }
    }

    private static string UnsupportedMediaTypeDetail(HttpContext http) => JsonBodies.UnsupportedMediaTypeDetail(http, BodyExample);

    private const string BodyExample = "{\"quantity\": 1}";

    internal static string RetryAfterSeconds(RateLimitLease lease) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture)
            : "1";

    private static ProblemHttpResult Problem(OrderingApiMetrics metrics, string outcome, int status, string type, string detail)
    {
        metrics.Decision(outcome);
        return TypedResults.Problem(detail: detail, statusCode: status, type: type);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The Redis gate is unavailable")]
    private static partial void LogGateUnavailable(ILogger logger, Exception exception);
}
