using Microsoft.AspNetCore.Mvc;

namespace Shop.Web.Services;

/// <summary>
/// A problem+json answer written straight to the response, for the storefront's refusals that come before any endpoint
/// (the edge's body and rate limits, the session's 401/403 to the page scripts): not cached, with a detail that says
/// what to do.
/// </summary>
internal static class ProblemResponse
{
    public static Task WriteAsync(HttpResponse response, int status, string title, string detail, CancellationToken cancellationToken = default)
    {
        response.StatusCode = status;
        response.Headers.CacheControl = "no-store";
        return response.WriteAsJsonAsync(
            new ProblemDetails { Status = status, Title = title, Detail = detail },
            ShopJsonContext.Default.ProblemDetails, "application/problem+json", cancellationToken);
    }
}
