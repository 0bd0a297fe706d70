using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Shop.Ordering.Api.Admission;
using Shop.Ordering.Api.Checkout;
using Shop.Ordering.Api.Telemetry;
using Shop.Ordering.Core.Checkout;
using Shop.Ordering.Core.Redis;
using Shop.ServiceDefaults.Identity;
using Shop.ServiceDefaults.Telemetry;
using StackExchange.Redis;
using Shop.ServiceDefaults.Http;
using Shop.ServiceDefaults.OpenApi;
using Shop.ServiceDefaults.Problems;

namespace Shop.Ordering.Api.Apis;

/// <summary>
/// <c>POST /api/orders</c>: a basket checkout of regular items (docs/checkout.md). The same filters as a flash-sale
/// buy (the Idempotency-Key, the buyer's token bucket, the concurrency limit), then the handler: the body and one Lua
/// script reserving every line or none; the order then travels the flash-sale pipeline (the gate's stream → worker → ledger).
/// </summary>
public static partial class CheckoutApi
{
    public const string BodyExample = "{\"items\": [{\"itemId\": 1, \"quantity\": 2}]}";

    public static RouteGroupBuilder MapCheckoutApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/orders").RequireAuthorization(ShopRoles.UserPolicy);
        group.MapPost("/", CheckoutAsync)
            .WithName("Checkout")
            .WithSummary("Order the lines of a basket at their regular prices: all of them, or none.")
            .WithDescription("Send an Idempotency-Key header (1–64 of letters, digits, '-', '_', '.', ':'): one new key per checkout " +
                "attempt, the same key when retrying it. 409 names every line that is short, with what is left.")
            .DocumentsJsonBody<CheckoutRequest>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .RequireIdempotencyKey("checkout", static http => http.RequestServices.GetRequiredService<OrderingApiMetrics>().Checkout("invalid"))
            .RequireAdmission(static (metrics, outcome) => metrics.Checkout(outcome));
        return group;
    }

    /// <summary>The decision: the body and its lines, then one script in the gate, and its answer (the filters above have admitted the request).</summary>
    public static async Task<Results<Accepted<OrderAccepted>, ProblemHttpResult>> CheckoutAsync(
        HttpContext http,
        ClaimsPrincipal user,
        GateClient gate,
        IOptions<CheckoutOptions> options,
        OrderingApiMetrics metrics,
        ILoggerFactory loggers)
    {
        var (request, status, bodyProblem) = await JsonBodies.ReadAsync(http, options.Value.MaxBodyBytes, OrderingApiJsonContext.Default.CheckoutRequest, BodyExample).ConfigureAwait(false);
        if (bodyProblem is not null)
        {
            return Invalid(metrics, status, bodyProblem);
        }
        if (ValidateLines(request!.Items, options.Value) is { } linesProblem)
        {
            return Invalid(metrics, StatusCodes.Status400BadRequest, linesProblem);
        }
        var lines = request.Items!;

        CheckoutDecision decision;
        try
        {
            decision = await gate.CheckoutAsync(user.UserId(), IdempotencyKeys.Of(http), lines, TraceParents.Current()).ConfigureAwait(false);
        }
        // Unreachable, too slow, or refusing (an error reply): not the buyer's fault.
        catch (Exception e) when (e is RedisConnectionException or RedisTimeoutException or RedisServerException or TimeoutException)
        {
            LogGateUnavailable(loggers.CreateLogger(typeof(CheckoutApi)), e);
            http.Response.Headers.RetryAfter = "1";
            return Problem(metrics, "error", StatusCodes.Status503ServiceUnavailable, ProblemTypes.Unavailable, "The shop cannot take orders for a moment: try again.");
        }
        return Answer(decision, lines, http, metrics);
    }

    private static Results<Accepted<OrderAccepted>, ProblemHttpResult> Answer(CheckoutDecision decision, IReadOnlyList<CheckoutItem> lines, HttpContext http, OrderingApiMetrics metrics)
    {
        switch (decision.Outcome)
        {
            case CheckoutOutcome.Accepted:
                metrics.Checkout("reserved");
                return TypedResults.Accepted($"/api/orders/{decision.OrderId}", new OrderAccepted(decision.OrderId, "pending"));
            case CheckoutOutcome.Repeat when decision.Fingerprint == GateClient.CheckoutFingerprint(lines):
                // The same checkout again (a double click, a retry): its first answer, never a second order.
                metrics.Checkout("repeat");
                return TypedResults.Accepted($"/api/orders/{decision.OrderId}", new OrderAccepted(decision.OrderId, "pending"));
            case CheckoutOutcome.Repeat:
                return Problem(metrics, "invalid", StatusCodes.Status422UnprocessableEntity, ProblemTypes.IdempotencyKeyReused,
                    "This Idempotency-Key was used for a checkout of other lines; use a new key for a different basket.");
            case CheckoutOutcome.Refused when decision.Refused!.Any(l => l.Reason == "unknown"):
                var unknown = decision.Refused!.Where(l => l.Reason == "unknown").ToList();
                return Problem(metrics, "unknown", StatusCodes.Status422UnprocessableEntity, ProblemTypes.UnknownItem,
                    $"The shop does not sell item {string.Join(", ", unknown.Select(l => l.ItemId))}: remove it from the basket.", unknown);
            case CheckoutOutcome.OpenOrdersCap:
                return Problem(metrics, "open-orders", StatusCodes.Status409Conflict, ProblemTypes.TooManyOpenOrders,
                    decision.Cap!.Detail(lines.Sum(l => l.Quantity)));
            case CheckoutOutcome.GateFull:
                http.Response.Headers.RetryAfter = "5";
                return Problem(metrics, "gate-full", StatusCodes.Status503ServiceUnavailable, ProblemTypes.GateFull,
                    "The shop cannot take new orders for a moment (its order gate is nearly full): try again shortly.");
            case CheckoutOutcome.Refused:
                return Problem(metrics, "sold-out", StatusCodes.Status409Conflict, ProblemTypes.InsufficientStock,
                    "Nothing was ordered: " + string.Join("; ", decision.Refused!.Select(Describe)) + ".", decision.Refused);
            default:
                http.Response.Headers.RetryAfter = "2";
                return Problem(metrics, "restoring", StatusCodes.Status503ServiceUnavailable, ProblemTypes.GateRestoring,
                    "The shop is being restored after an outage: try again in a few seconds.");
        }
    }

    private static string Describe(RefusedLine line) => line.Reason == "unavailable"
        ? $"item {line.ItemId} is no longer sold"
        : string.Create(CultureInfo.InvariantCulture, $"item {line.ItemId}: {line.Requested} asked, {line.Available} left");

    /// <summary>One to MaxLines lines, each item once, quantities 1 to MaxQuantity.</summary>
    internal static string? ValidateLines(IReadOnlyList<CheckoutItem>? items, CheckoutOptions options)
    {
        if (items is null || items.Count == 0)
        {
            return $"The basket is empty: send at least one line, like {BodyExample}.";
        }
        if (items.Count > options.MaxLines)
        {
            return $"A checkout has at most {options.MaxLines} lines; this one has {items.Count}.";
        }
        // A JSON null in the array is a null line: refused here, before anything reads its fields.
        if (items.Any(i => i is null))
        {
            return "A line is null: every line is {\"itemId\": n, \"quantity\": n}.";
        }
        if (items.FirstOrDefault(i => i.ItemId <= 0) is { } badId)
        {
            return $"Item id {badId.ItemId} is not valid: item ids are positive.";
        }
        if (items.FirstOrDefault(i => i.Quantity < 1 || i.Quantity > options.MaxQuantity) is { } badQuantity)
        {
            return $"Item {badQuantity.ItemId}: the quantity must be between 1 and {options.MaxQuantity} (got {badQuantity.Quantity}).";
        }
        if (items.GroupBy(i => i.ItemId).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            return $"Item {twice.Key} is listed twice: send each item once, with its whole quantity.";
        }
        return null;
    }

    private static ProblemHttpResult Invalid(OrderingApiMetrics metrics, int status, string detail) =>
        Problem(metrics, "invalid", status, ProblemTypes.InvalidRequest, detail);

    private static ProblemHttpResult Problem(OrderingApiMetrics metrics, string outcome, int status, string type, string detail,
        IReadOnlyList<RefusedLine>? lines = null)
    {
        metrics.Checkout(outcome);
        return TypedResults.Problem(detail: detail, statusCode: status, type: type,
            extensions: lines is null ? null : new Dictionary<string, object?> { ["lines"] = lines });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The Redis gate is unavailable for a checkout")]
    private static partial void LogGateUnavailable(ILogger logger, Exception exception);
}
