using Polly.CircuitBreaker;
using Polly.Timeout;
using StackExchange.Redis;
using Shop.ServiceDefaults.Problems;

namespace Shop.Basket.Api.Apis;

/// <summary>
/// Redis or catalog-api out of reach (after the resilience handler's retries) is the shop's fault and passing:
/// 503 problem+json with <c>Retry-After</c>, never a 500 and never a half-applied change (each change is one
/// Redis command or script).
/// </summary>
public sealed partial class DependencyUnavailableFilter(ILogger<DependencyUnavailableFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context).ConfigureAwait(false);
        }
        catch (Exception e) when (IsUnavailable(e, context.HttpContext))
        {
            LogUnavailable(logger, context.HttpContext.Request.Method, context.HttpContext.Request.Path, e);
            context.HttpContext.Response.Headers.RetryAfter = "1";
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, type: ProblemTypes.Unavailable,
                detail: "The basket cannot be read or changed for a moment: try again.");
        }
    }

    private static bool IsUnavailable(Exception e, HttpContext http) =>
        e is RedisConnectionException or RedisTimeoutException or HttpRequestException or BrokenCircuitException or TimeoutRejectedException
        // A timeout of our own call, not the client going away.
        || (e is TaskCanceledException && !http.RequestAborted.IsCancellationRequested);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path}: a dependency is unavailable")]
    private static partial void LogUnavailable(ILogger logger, string method, PathString path, Exception exception);
}
