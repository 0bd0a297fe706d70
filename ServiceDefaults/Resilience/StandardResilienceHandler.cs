using Polly;

namespace Shop.ServiceDefaults.Resilience;

/// <summary>
/// Runs each request through the client's resilience pipeline. The same <see cref="HttpRequestMessage"/> is sent
/// on every attempt, so content of a retryable request is buffered first: a stream can be read only once.
/// </summary>
internal sealed class StandardResilienceHandler(ResiliencePipeline<HttpResponseMessage> pipeline, bool retryNonIdempotentRequests)
    : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var retryAllowed = HttpRetryPolicy.CanRetry(request, retryNonIdempotentRequests);
        if (retryAllowed && request.Content is { } content)
        {
            await content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
        }

        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(HttpRetryPolicy.RetryAllowedKey, retryAllowed);
        try
        {
            return await pipeline.ExecuteAsync(
                static (ctx, state) => new ValueTask<HttpResponseMessage>(state.Handler.SendAttemptAsync(state.Request, ctx.CancellationToken)),
                context,
                (Handler: this, Request: request)).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // Synchronous sends are rare (HttpClient.Send); they get the same pipeline, run synchronously by Polly.
        var retryAllowed = HttpRetryPolicy.CanRetry(request, retryNonIdempotentRequests);
        if (retryAllowed && request.Content is { } content)
        {
            content.LoadIntoBufferAsync(cancellationToken).GetAwaiter().GetResult();
        }

        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(HttpRetryPolicy.RetryAllowedKey, retryAllowed);
        try
        {
            return pipeline.Execute(
                static (ctx, state) => state.Handler.SendAttempt(state.Request, ctx.CancellationToken),
                context,
                (Handler: this, Request: request));
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    // base.SendAsync cannot be called from a lambda; these give the pipeline callbacks a way in.
    private Task<HttpResponseMessage> SendAttemptAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        base.SendAsync(request, cancellationToken);

    private HttpResponseMessage SendAttempt(HttpRequestMessage request, CancellationToken cancellationToken) =>
        base.Send(request, cancellationToken);
}
