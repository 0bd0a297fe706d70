namespace Shop.ServiceDefaults.Resilience;

/// <summary>Per-request switches of the standard resilience handler, set through <see cref="HttpRequestMessage.Options"/>.</summary>
public static class HttpResilienceRequestOptions
{
    /// <summary>
    /// <c>request.Options.Set(HttpResilienceRequestOptions.DisableRetry, true)</c>: send once, do not buffer the
    /// content (for large streamed uploads). Timeouts and the circuit breaker still apply.
    /// </summary>
    public static readonly HttpRequestOptionsKey<bool> DisableRetry = new("Shop.Resilience.DisableRetry");
}
