namespace Shop.ServiceDefaults.Resilience;

/// <summary>
/// Settings of the standard HTTP resilience handler, bound from <see cref="SectionName"/> for every client and
/// then overridable in code per client. Defaults follow the usual .NET standard pipeline: 30 s in total,
/// 10 s per attempt, 3 retries from 2 s with exponential back-off and jitter, and a breaker that opens for 5 s
/// when at least 10 % of 100+ calls in 30 s failed.
/// </summary>
public sealed class HttpStandardResilienceOptions
{
    /// <summary>Configuration section bound onto every client's options.</summary>
    public const string SectionName = "HttpClientDefaults:Resilience";

    /// <summary>Upper bound of one logical request, retries and back-off included.</summary>
    public TimeSpan TotalRequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Upper bound of one attempt; a timed-out attempt counts as a transient failure.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Retry settings.</summary>
    public HttpRetryOptions Retry { get; set; } = new();

    /// <summary>Circuit breaker settings.</summary>
    public HttpCircuitBreakerOptions CircuitBreaker { get; set; } = new();
}

/// <summary>When and how often a request is sent again.</summary>
public sealed class HttpRetryOptions
{
    /// <summary>Retries after the first attempt; 0 turns retrying off.</summary>
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>Delay before the first retry; doubles on each further one.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Cap of a single delay, the one asked for by a Retry-After header included.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Randomises delays so that many clients that failed together do not retry together.</summary>
    public bool UseJitter { get; set; } = true;

    /// <summary>Honour a server's Retry-After (429, 503) instead of the computed back-off.</summary>
    public bool UseRetryAfterHeader { get; set; } = true;

    /// <summary>
    /// Retry POST and PATCH too. Off by default: sending a non-idempotent request twice can do the work twice.
    /// A request with an <c>Idempotency-Key</c> header is retried regardless, since the server deduplicates it.
    /// </summary>
    public bool RetryNonIdempotentRequests { get; set; }
}

/// <summary>When to stop calling a failing dependency for a while.</summary>
public sealed class HttpCircuitBreakerOptions
{
    /// <summary>Share of failed calls in <see cref="SamplingDuration"/> that opens the circuit.</summary>
    public double FailureRatio { get; set; } = 0.1;

    /// <summary>Calls needed in <see cref="SamplingDuration"/> before the ratio is considered (at least 2).</summary>
    public int MinimumThroughput { get; set; } = 100;

    /// <summary>Window over which the failure ratio is computed; at least twice the attempt timeout.</summary>
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the circuit stays open before a trial call is let through (at least 0.5 s).</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(5);
}
