using Shop.Web.Caching;
using Shop.Web.Services;

namespace Shop.Web.Bff;

/// <summary>
/// <c>GET /catalog-pictures/{itemId}?v=…</c>: the item pictures catalog-api draws, served from the storefront's
/// origin (catalog-api is internal). Output-cached per item and version, with catalog-api's Cache-Control and
/// ETag passed on (the versioned URL is immutable for browsers).
/// </summary>
public static class PictureEndpoints
{
    public static IEndpointRouteBuilder MapPictures(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/catalog-pictures/{itemId:int}", ServeAsync).CacheOutput(PageCaches.Pictures);
        return routes;
    }

    /// <summary>The storefront URL of a picture whose catalog URL is <paramref name="pictureUrl"/> (same version query).</summary>
    public static string Url(int itemId, string? pictureUrl)
    {
        var query = pictureUrl?.IndexOf('?', StringComparison.Ordinal) is { } at and >= 0 ? pictureUrl[at..] : "";
        return FormattableString.Invariant($"/catalog-pictures/{itemId}{query}");
    }

    public static async Task ServeAsync(int itemId, HttpContext http, CatalogApiClient catalog)
    {
        HttpResponseMessage upstream;
        try
        {
            upstream = await catalog.GetPictureAsync(itemId, http.Request.Query["v"], http.Request.Headers.IfNoneMatch, http.RequestAborted).ConfigureAwait(false);
        }
        catch (ShopApiException)
        {
            http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            http.Response.Headers.RetryAfter = "5";
            return;
        }
        using (upstream)
        {
            var response = http.Response;
            response.StatusCode = (int)upstream.StatusCode;
            if (upstream.Headers.CacheControl is { } cacheControl)
            {
                response.Headers.CacheControl = cacheControl.ToString();
            }
            if (upstream.Headers.ETag is { } etag)
            {
                response.Headers.ETag = etag.ToString();
            }
            if (upstream.IsSuccessStatusCode)
            {
                // SVG from the shop's own origin: nothing in it may run or load, even opened on its own.
                response.Headers.ContentSecurityPolicy = Edge.SecurityHeaders.PicturePolicy;
                response.ContentType = upstream.Content.Headers.ContentType?.ToString() ?? "application/octet-stream";
                var body = await upstream.Content.ReadAsByteArrayAsync(http.RequestAborted).ConfigureAwait(false);
                response.ContentLength = body.Length;
                await response.Body.WriteAsync(body, http.RequestAborted).ConfigureAwait(false);
            }
        }
    }
}
