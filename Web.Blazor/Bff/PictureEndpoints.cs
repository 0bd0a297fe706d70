using Microsoft.AspNetCore.OutputCaching;
using Shop.Web.Services;

namespace Shop.Web.Bff;

/// <summary>
/// <c>GET /catalog-pictures/{itemId}?v=…</c>: the item pictures catalog-api draws, served from the storefront's
/// origin (catalog-api is internal). Output-cached per item and version, with catalog-api's Cache-Control and
/// ETag passed on (the versioned URL is immutable for browsers).
/// </summary>
public static class PictureEndpoints
{
    public const string CachePolicy = "pictures";

    public static IEndpointRouteBuilder MapPictures(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/catalog-pictures/{itemId:int}", ServeAsync).CacheOutput(CachePolicy);
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
                response.ContentType = upstream.Content.Headers.ContentType?.ToString() ?? "application/octet-stream";
                var body = await upstream.Content.ReadAsByteArrayAsync(http.RequestAborted).ConfigureAwait(false);
                response.ContentLength = body.Length;
                await response.Body.WriteAsync(body, http.RequestAborted).ConfigureAwait(false);
            }
        }
    }
}

/// <summary>
/// Output caching for responses that are the same for every visitor, signed in or not: the sale page and the
/// pictures. Unlike the default policy it also caches for signed-in visitors (most visitors of a sale are) —
/// safe only because these responses never depend on who asks (the sale page shows the visitor's state through
/// its script). A response that sets a cookie or is not 200 is never stored.
/// </summary>
public sealed class SharedOutputCachePolicy(TimeSpan duration, params string[] varyByQueryKeys) : IOutputCachePolicy
{
    public ValueTask CacheRequestAsync(OutputCacheContext context, CancellationToken cancellation)
    {
        var method = context.HttpContext.Request.Method;
        var cacheable = HttpMethods.IsGet(method) || HttpMethods.IsHead(method);
        context.EnableOutputCaching = true;
        context.AllowCacheLookup = cacheable;
        context.AllowCacheStorage = cacheable;
        context.AllowLocking = true; // one render per key when a crowd arrives at once
        context.ResponseExpirationTimeSpan = duration;
        // The path (with the sale or item id) is always part of the key; other query keys are ignored, so
        // ?anything=random cannot bypass the cache.
        context.CacheVaryByRules.QueryKeys = varyByQueryKeys;
        return ValueTask.CompletedTask;
    }

    public ValueTask ServeFromCacheAsync(OutputCacheContext context, CancellationToken cancellation) => ValueTask.CompletedTask;

    public ValueTask ServeResponseAsync(OutputCacheContext context, CancellationToken cancellation)
    {
        var response = context.HttpContext.Response;
        if (response.StatusCode != StatusCodes.Status200OK || !Microsoft.Extensions.Primitives.StringValues.IsNullOrEmpty(response.Headers.SetCookie))
        {
            context.AllowCacheStorage = false;
        }
        return ValueTask.CompletedTask;
    }
}
