namespace Shop.ServiceDefaults.ServiceDiscovery;

/// <summary>
/// Rewrites <c>http://catalog-api/...</c> to one of the service's configured endpoints for the duration of the
/// send, then puts the logical address back: a retry by an outer handler resolves again (next replica), and
/// callers who look at <c>response.RequestMessage.RequestUri</c> see the address they asked for.
/// </summary>
internal sealed class ServiceDiscoveryHttpMessageHandler(IServiceEndpointResolver resolver) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var original = request.RequestUri;
        if (original is null || !resolver.TryResolve(original, out var resolved))
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        request.RequestUri = resolved;
        try
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            request.RequestUri = original;
        }
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var original = request.RequestUri;
        if (original is null || !resolver.TryResolve(original, out var resolved))
        {
            return base.Send(request, cancellationToken);
        }

        request.RequestUri = resolved;
        try
        {
            return base.Send(request, cancellationToken);
        }
        finally
        {
            request.RequestUri = original;
        }
    }
}
