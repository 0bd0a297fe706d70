using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Shop.ServiceDefaults.Resilience;

/// <summary>
/// One pipeline per named client, kept for the life of the process. IHttpClientFactory recreates handlers every
/// couple of minutes; if the pipeline lived in the handler, the circuit breaker would forget its state each time.
/// </summary>
internal sealed partial class HttpResiliencePipelines(
    IOptionsMonitor<HttpStandardResilienceOptions> options,
    ILoggerFactory loggerFactory,
    TimeProvider? timeProvider = null)
{
    private readonly IOptionsMonitor<HttpStandardResilienceOptions> _options = options;
    private readonly ConcurrentDictionary<string, Lazy<ResiliencePipeline<HttpResponseMessage>>> _pipelines = new(StringComparer.Ordinal);
    private readonly ILogger _logger = loggerFactory.CreateLogger("Shop.ServiceDefaults.Resilience");
    private readonly TimeProvider _timeProvider = timeProvider ?? TimeProvider.System;

    public StandardResilienceHandler CreateHandler(string clientName)
    {
        var settings = _options.Get(clientName);
        return new StandardResilienceHandler(GetPipeline(clientName), settings.Retry.RetryNonIdempotentRequests);
    }

    public ResiliencePipeline<HttpResponseMessage> GetPipeline(string clientName) =>
        _pipelines.GetOrAdd(
            clientName,
            static (name, self) => new Lazy<ResiliencePipeline<HttpResponseMessage>>(() => self.Build(name, self._options.Get(name))),
            this).Value;

    /// <summary>
    /// Outer to inner: total timeout, retry, circuit breaker, attempt timeout. The breaker sits inside the retry
    /// so that each attempt is counted, and the attempt timeout inside the breaker so that a hung attempt counts
    /// as a failure.
    /// </summary>
    private ResiliencePipeline<HttpResponseMessage> Build(string clientName, HttpStandardResilienceOptions settings)
    {
        var logger = _logger;
        var timeProvider = _timeProvider;
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage>
        {
            Name = clientName.Length == 0 ? "default" : clientName,
            TimeProvider = timeProvider,
        };

        builder.AddTimeout(new TimeoutStrategyOptions { Name = "TotalRequestTimeout", Timeout = settings.TotalRequestTimeout });

        var retry = settings.Retry;
        if (retry.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                Name = "Retry",
                MaxRetryAttempts = retry.MaxRetryAttempts,
                Delay = retry.BaseDelay,
                MaxDelay = retry.MaxDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = retry.UseJitter,
                ShouldHandle = static args => ValueTask.FromResult(
                    args.Context.Properties.GetValue(HttpRetryPolicy.RetryAllowedKey, false) && HttpRetryPolicy.IsTransient(args.Outcome)),
                DelayGenerator = retry.UseRetryAfterHeader
                    ? args => ValueTask.FromResult(HttpRetryPolicy.RetryAfter(args.Outcome.Result, retry.MaxDelay, timeProvider))
                    : null,
                OnRetry = args =>
                {
                    LogRetry(logger, clientName, args.AttemptNumber + 1, args.RetryDelay, Describe(args.Outcome));

                    // The failed response will never be read; free its connection before the next attempt.
                    args.Outcome.Result?.Dispose();
                    return default;
                },
            });
        }

        var breaker = settings.CircuitBreaker;
        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
        {
            Name = "CircuitBreaker",
            FailureRatio = breaker.FailureRatio,
            MinimumThroughput = breaker.MinimumThroughput,
            SamplingDuration = breaker.SamplingDuration,
            BreakDuration = breaker.BreakDuration,
            ShouldHandle = static args => ValueTask.FromResult(HttpRetryPolicy.IsTransient(args.Outcome)),
            OnOpened = args =>
            {
                LogCircuitOpened(logger, clientName, args.BreakDuration, Describe(args.Outcome));
                return default;
            },
            OnClosed = _ =>
            {
                LogCircuitClosed(logger, clientName);
                return default;
            },
        });

        builder.AddTimeout(new TimeoutStrategyOptions { Name = "AttemptTimeout", Timeout = settings.AttemptTimeout });

        return builder.Build();
    }

    private static string Describe(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is { } exception
            ? exception.GetType().Name + ": " + exception.Message
            : "HTTP " + (int?)outcome.Result?.StatusCode;

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "HTTP client '{Client}': retry {Attempt} in {Delay} after {Outcome}.")]
    private static partial void LogRetry(ILogger logger, string client, int attempt, TimeSpan delay, string outcome);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "HTTP client '{Client}': circuit opened for {BreakDuration} after {Outcome}.")]
    private static partial void LogCircuitOpened(ILogger logger, string client, TimeSpan breakDuration, string outcome);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "HTTP client '{Client}': circuit closed.")]
    private static partial void LogCircuitClosed(ILogger logger, string client);
}
