namespace Shop.Web.Bff;

/// <summary>
/// An API's answer passed on to the browser as it came: status, content type (problem+json included), body and
/// Retry-After, so that the page script can tell the shopper exactly what happened. Never cached.
/// </summary>
public sealed class UpstreamResult(int status, string? contentType, byte[] body, string? retryAfter) : IResult
{
    public int StatusCode { get; } = status;

    public static async Task<UpstreamResult> FromAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var retryAfter = response.Headers.RetryAfter?.ToString();
        return new UpstreamResult((int)response.StatusCode, response.Content.Headers.ContentType?.ToString(), body, retryAfter);
    }

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCode;
        response.Headers.CacheControl = "no-store";
        if (!string.IsNullOrEmpty(retryAfter))
        {
            response.Headers.RetryAfter = retryAfter;
        }
        if (contentType is not null)
        {
            response.ContentType = contentType;
        }
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, httpContext.RequestAborted).ConfigureAwait(false);
    }
}
