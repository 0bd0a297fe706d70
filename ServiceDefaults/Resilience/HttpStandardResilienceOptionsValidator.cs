using Microsoft.Extensions.Options;

namespace Shop.ServiceDefaults.Resilience;

/// <summary>
/// Checks the relations between settings that Polly cannot see strategy by strategy, and gives messages in
/// terms of the configuration keys rather than of Polly's options.
/// </summary>
internal sealed class HttpStandardResilienceOptionsValidator : IValidateOptions<HttpStandardResilienceOptions>
{
    private static readonly TimeSpan MinimumTimeout = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan MinimumBreakerWindow = TimeSpan.FromMilliseconds(500);

    public ValidateOptionsResult Validate(string? name, HttpStandardResilienceOptions options)
    {
        var failures = new List<string>();
        var prefix = HttpStandardResilienceOptions.SectionName + ":";

        if (options.TotalRequestTimeout < MinimumTimeout)
        {
            failures.Add($"{prefix}TotalRequestTimeout must be at least {MinimumTimeout.TotalMilliseconds} ms.");
        }

        if (options.AttemptTimeout < MinimumTimeout || options.AttemptTimeout > options.TotalRequestTimeout)
        {
            failures.Add($"{prefix}AttemptTimeout must be at least {MinimumTimeout.TotalMilliseconds} ms and at most TotalRequestTimeout.");
        }

        var retry = options.Retry;
        if (retry.MaxRetryAttempts < 0)
        {
            failures.Add($"{prefix}Retry:MaxRetryAttempts must not be negative.");
        }

        if (retry.BaseDelay < TimeSpan.Zero || retry.MaxDelay < retry.BaseDelay)
        {
            failures.Add($"{prefix}Retry:BaseDelay must not be negative and Retry:MaxDelay must not be below it.");
        }

        var breaker = options.CircuitBreaker;
        if (breaker.FailureRatio is <= 0 or > 1)
        {
            failures.Add($"{prefix}CircuitBreaker:FailureRatio must be in (0, 1].");
        }

        if (breaker.MinimumThroughput < 2)
        {
            failures.Add($"{prefix}CircuitBreaker:MinimumThroughput must be at least 2.");
        }

        // A window shorter than two attempts would forget a timed-out attempt before it could count.
        if (breaker.SamplingDuration < MinimumBreakerWindow || breaker.SamplingDuration < 2 * options.AttemptTimeout)
        {
            failures.Add($"{prefix}CircuitBreaker:SamplingDuration must be at least 0.5 s and at least twice AttemptTimeout.");
        }

        if (breaker.BreakDuration < MinimumBreakerWindow)
        {
            failures.Add($"{prefix}CircuitBreaker:BreakDuration must be at least 0.5 s.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
