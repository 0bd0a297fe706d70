using System.Net;
using Polly;
using Polly.Timeout;

namespace Shop.ServiceDefaults.Resilience;

/// <summary>What counts as a transient failure, and which requests may be sent again.</summary>
internal static class HttpRetryPolicy
{
    /// <summary>Set per request by the handler; read by the retry predicate.</summary>
    public static readonly ResiliencePropertyKey<bool> RetryAllowedKey = new("Shop.Resilience.RetryAllowed");

    private const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>Connection failures, timed-out attempts, 5xx, 408 and 429.</summary>
    public static bool IsTransient(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        { Result: { } response } => IsTransient(response.StatusCode),
        _ => false,
    };

    public static bool IsTransient(HttpStatusCode status) =>
        (int)status >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;

    /// <summary>
    /// Idempotent methods (RFC 9110 §9.2.2) can be sent again safely; so can any request carrying an
    /// Idempotency-Key, because the server answers a repeated key with its first answer. Callers can opt a
    /// request out with <see cref="HttpResilienceRequestOptions.DisableRetry"/> (e.g. a large streamed upload).
    /// </summary>
    public static bool CanRetry(HttpRequestMessage request, bool retryNonIdempotentRequests)
    {
        if (request.Options.TryGetValue(HttpResilienceRequestOptions.DisableRetry, out var disabled) && disabled)
        {
            return false;
        }

        if (retryNonIdempotentRequests)
        {
            return true;
        }

        var method = request.Method;
        return method == HttpMethod.Get
            || method == HttpMethod.Head
            || method == HttpMethod.Options
            || method == HttpMethod.Trace
            || method == HttpMethod.Put
            || method == HttpMethod.Delete
            || request.Headers.Contains(IdempotencyKeyHeader);
    }

    /// <summary>The delay a 429/503 asked for in Retry-After, capped; null means "use the computed back-off".</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage? response, TimeSpan maxDelay, TimeProvider timeProvider)
    {
        var retryAfter = response?.Headers.RetryAfter;
        if (retryAfter is null)
        {
            return null;
        }

        var delay = retryAfter.Delta ?? (retryAfter.Date - timeProvider.GetUtcNow());
        if (delay is not { } value || value < TimeSpan.Zero)
        {
            return null;
        }

        return value > maxDelay ? maxDelay : value;
    }
}
