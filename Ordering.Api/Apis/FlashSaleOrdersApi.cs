using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Shop.Ordering.Api.Admission;
using Shop.Ordering.Api.Telemetry;
using Shop.Ordering.Core.Redis;
using Shop.ServiceDefaults.Http;
using Shop.ServiceDefaults.OpenApi;
using Shop.ServiceDefaults.Identity;
using Shop.ServiceDefaults.Telemetry;
using StackExchange.Redis;
using Shop.ServiceDefaults.Problems;

namespace Shop.Ordering.Api.Apis;

/// <summary>
/// <c>POST /api/flash-sales/{saleId}/orders</c>: the buy hot path. Cheap checks first, as endpoint filters (the token's
/// authorization, the Idempotency-Key, the in-process sold-out answer, the buyer's token bucket, the concurrency
/// limit), then the handler: the body and one Lua script in Redis. No database on this path.
/// </summary>
public static partial class FlashSaleOrdersApi
{
    public static RouteGroupBuilder MapFlashSaleOrdersApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/flash-sales").RequireAuthorization(ShopRoles.UserPolicy);
        group.MapPost("/{saleId:guid}/orders", BuyAsync)
            .WithName("Buy")
            .WithSummary("Reserve units of a flash sale; the order becomes durable shortly after.")
            .WithDescription("Send an Idempotency-Key header (1–64 of letters, digits, '-', '_', '.', ':'): one new key per purchase " +
                "attempt, the same key when retrying it; a repeated key always gets its first answer.")
            // The body is read by the handler (so that a bad one is a 400/413/415 with a reason); this documents it.
            .DocumentsJsonBody<BuyRequest>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            // In this order, each cheaper than the next: the key, the in-process sold-out answer, the buyer's bucket
            // and the concurrency limit; then the handler (the body, the gate, the answer).
            .RequireIdempotencyKey("purchase", static http => http.RequestServices.GetRequiredService<OrderingApiMetrics>().Decision("invalid"))
            .AddEndpointFilter(AnswerSoldOutFromMemory)
            .RequireAdmission(static (metrics, outcome) => metrics.Decision(outcome));
        return group;
    }

    /// <summary>The decision: the body, then one script in the gate, and its answer (the filters above have admitted the request).</summary>
    public static async Task<Results<Accepted<OrderAccepted>, ProblemHttpResult>> BuyAsync(
        Guid saleId,
        HttpContext http,
        ClaimsPrincipal user,
        GateClient gate,
        SoldOutShortcut soldOut,
        IOptions<AdmissionOptions> options,
        OrderingApiMetrics metrics,
        ILoggerFactory loggers)
    {
        var (request, bodyStatus, bodyProblem) = await ReadBodyAsync(http, options.Value.MaxBodyBytes).ConfigureAwait(false);
        if (bodyProblem is not null)
        {
            return Problem(metrics, "invalid", bodyStatus, ProblemTypes.InvalidRequest, bodyProblem);
        }

        ReservationDecision decision;
        try
        {
            decision = await gate.ReserveAsync(saleId, user.UserId(), IdempotencyKeys.Of(http), request!.Quantity, TraceParents.Current()).ConfigureAwait(false);
        }
        // Unreachable, too slow, or refusing (an error reply, e.g. out of memory under noeviction): not the buyer's fault.
        catch (Exception e) when (e is RedisConnectionException or RedisTimeoutException or RedisServerException or TimeoutException)
        {
            LogGateUnavailable(loggers.CreateLogger(typeof(FlashSaleOrdersApi)), e);
            http.Response.Headers.RetryAfter = "1";
            return Problem(metrics, "error", StatusCodes.Status503ServiceUnavailable, ProblemTypes.Unavailable, "The sale cannot take orders for a moment: try again.");
        }
        return Answer(decision, saleId, request.Quantity, http, soldOut, metrics);
    }

    /// <summary>
    /// After the sell-out, answered from this replica's memory before anything else is paid for (<see cref="SoldOutShortcut"/>):
    /// a key the gate never accepted gets "sold out" without its body being read or the buyer's bucket being charged
    /// (the answer changes nothing, and a sold-out storm is most of a sale's requests); a retry of an accepted key
    /// gets its first answer, once its body says it is the same request. Otherwise the request goes on to admission.
    /// </summary>
    private static ValueTask<object?> AnswerSoldOutFromMemory(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var soldOut = http.RequestServices.GetRequiredService<SoldOutShortcut>();
        var saleId = context.GetArgument<Guid>(0); // BuyAsync's first parameter
        var shortcut = soldOut.Check(saleId, http.User.UserId(), IdempotencyKeys.Of(http), out var first);
        if (shortcut == ShortcutAnswer.AskGate)
        {
            return next(context); // not an async method: the common case adds no state machine
        }
        var metrics = http.RequestServices.GetRequiredService<OrderingApiMetrics>();
        return shortcut == ShortcutAnswer.SoldOut
            ? ValueTask.FromResult<object?>(Problem(metrics, "sold-out", StatusCodes.Status409Conflict, ProblemTypes.SoldOut, "This sale is sold out."))
            : AnswerRepeatAsync(http, saleId, first, soldOut, metrics);
    }

    private static async ValueTask<object?> AnswerRepeatAsync(HttpContext http, Guid saleId, AcceptedAnswer first, SoldOutShortcut soldOut, OrderingApiMetrics metrics)
    {
        var maxBytes = http.RequestServices.GetRequiredService<IOptions<AdmissionOptions>>().Value.MaxBodyBytes;
        var (request, bodyStatus, bodyProblem) = await ReadBodyAsync(http, maxBytes).ConfigureAwait(false);
        return bodyProblem is not null
            ? Problem(metrics, "invalid", bodyStatus, ProblemTypes.InvalidRequest, bodyProblem)
            : Answer(new ReservationDecision(ReservationOutcome.Repeat, first.OrderId, first.Quantity), saleId, request!.Quantity, http, soldOut, metrics);
    }

    private static Results<Accepted<OrderAccepted>, ProblemHttpResult> Answer(
        ReservationDecision decision, Guid saleId, int quantity, HttpContext http, SoldOutShortcut soldOut, OrderingApiMetrics metrics)
    {
        switch (decision.Outcome)
        {
            case ReservationOutcome.Accepted:
                metrics.Decision("reserved");
                return TypedResults.Accepted($"/api/orders/{decision.OrderId}", new OrderAccepted(decision.OrderId, "pending"));
            case ReservationOutcome.Repeat when decision.Quantity == quantity:
                // The same request again (a double click, a retry): the first answer, never a second unit.
                metrics.Decision("repeat");
                return TypedResults.Accepted($"/api/orders/{decision.OrderId}", new OrderAccepted(decision.OrderId, "pending"));
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
            case ReservationOutcome.OpenOrdersCap:
                return Problem(metrics, "open-orders", StatusCodes.Status409Conflict, ProblemTypes.TooManyOpenOrders, decision.Cap!.Detail(quantity));
            case ReservationOutcome.GateFull:
                // Not the buyer's fault, and passing: the gate takes orders again once confirmations have made room.
                http.Response.Headers.RetryAfter = "5";
                return Problem(metrics, "gate-full", StatusCodes.Status503ServiceUnavailable, ProblemTypes.GateFull,
                    "The shop cannot take new orders for a moment (its order gate is nearly full): try again shortly.");
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

    /// <summary>The body this endpoint takes, for the reason of a 400 or 415 answer.</summary>
    public const string BodyExample = "{\"quantity\": 1}";

    private static ProblemHttpResult Problem(OrderingApiMetrics metrics, string outcome, int status, string type, string detail)
    {
        metrics.Decision(outcome);
        return TypedResults.Problem(detail: detail, statusCode: status, type: type);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The Redis gate is unavailable")]
    private static partial void LogGateUnavailable(ILogger logger, Exception exception);
}
