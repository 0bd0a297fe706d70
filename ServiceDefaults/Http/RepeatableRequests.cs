using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace Shop.ServiceDefaults.Http;

/// <summary>
/// Which requests the standard resilience handler may send again. Its default retries every method, so a POST
/// that timed out after the server did the work would be done twice; Shop retries only requests that are safe
/// to repeat.
/// </summary>
public static class RepeatableRequests
{
    /// <summary>The header whose presence makes any request repeatable: the server answers a repeated key with its first answer.</summary>
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>
    /// Keeps the handler's own notion of a transient failure, and adds the condition that the request is
    /// repeatable (<see cref="IsRepeatable"/>).
    /// </summary>
    public static void RetryOnlyRepeatableRequests(this HttpRetryStrategyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        var transient = options.ShouldHandle;
        options.ShouldHandle = args => args.Context.GetRequestMessage() is { } request && IsRepeatable(request)
            ? transient(args)
            : PredicateResult.False();
    }

    /// <summary>
    /// Idempotent methods (RFC 9110 §9.2.2) and any request carrying an <see cref="IdempotencyKeyHeader"/>.
    /// </summary>
    public static bool IsRepeatable(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);

        var method = request.Method;
        return method == HttpMethod.Get
            || method == HttpMethod.Head
            || method == HttpMethod.Options
            || method == HttpMethod.Trace
            || method == HttpMethod.Put
            || method == HttpMethod.Delete
            || request.Headers.Contains(IdempotencyKeyHeader);
    }
}
