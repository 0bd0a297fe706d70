using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Shop.ServiceDefaults.Problems;

namespace Shop.ServiceDefaults.Http;

/// <summary>
/// The <see cref="IdempotencyKeys"/> rule as an endpoint filter: a request without a valid <c>Idempotency-Key</c> is
/// answered 400 (problem+json saying what a key must be) before its handler runs, so a handler only ever sees a
/// valid key (<see cref="IdempotencyKeys.Of"/>).
/// </summary>
public static class IdempotencyKeyFilter
{
    /// <param name="attempt">What one key stands for, in the answer ("purchase", "checkout").</param>
    /// <param name="onRefused">Called for each refusal (e.g. to count it with the endpoint's own metrics).</param>
    public static RouteHandlerBuilder RequireIdempotencyKey(this RouteHandlerBuilder endpoint, string attempt, Action<HttpContext>? onRefused = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return endpoint.AddEndpointFilter((context, next) =>
        {
            var http = context.HttpContext;
            if (IdempotencyKeys.Validate(http.Request.Headers[IdempotencyKeys.Header], attempt) is not { } problem)
            {
                return next(context);
            }
            onRefused?.Invoke(http);
            return ValueTask.FromResult<object?>(TypedResults.Problem(detail: problem, statusCode: StatusCodes.Status400BadRequest, type: ProblemTypes.InvalidRequest));
        });
    }
}
