using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.Primitives;

namespace Shop.Web.Caching;

/// <summary>
/// Output caching for responses that are the same for every visitor they are served to: the sale page and the
/// pictures for everyone (unlike the default policy it also caches for signed-in visitors, who are most visitors of
/// a sale: safe only because these responses never depend on who asks; the sale page shows the visitor's state
/// through its script), the home page for visitors who are not signed in (<paramref name="anonymousOnly"/>).
/// A response that sets a cookie or is not 200 is never stored.
/// </summary>
/// <param name="varyByQueryKeys">The query keys that make another page; the path is always part of the key, and
/// other query keys are ignored, so <c>?anything=random</c> cannot bypass the cache.</param>
public sealed class SharedOutputCachePolicy(TimeSpan duration, bool anonymousOnly, params string[] varyByQueryKeys) : IOutputCachePolicy
{
    public ValueTask CacheRequestAsync(OutputCacheContext context, CancellationToken cancellation)
    {
        var http = context.HttpContext;
        var cacheable = (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method))
            && !(anonymousOnly && http.User.Identity?.IsAuthenticated == true);
        context.EnableOutputCaching = true;
        context.AllowCacheLookup = cacheable;
        context.AllowCacheStorage = cacheable;
        context.AllowLocking = true; // one render per key when a crowd arrives at once
        context.ResponseExpirationTimeSpan = duration;
        context.CacheVaryByRules.QueryKeys = varyByQueryKeys;
        return ValueTask.CompletedTask;
    }

    public ValueTask ServeFromCacheAsync(OutputCacheContext context, CancellationToken cancellation) => ValueTask.CompletedTask;

    public ValueTask ServeResponseAsync(OutputCacheContext context, CancellationToken cancellation)
    {
        var response = context.HttpContext.Response;
        if (response.StatusCode != StatusCodes.Status200OK || !StringValues.IsNullOrEmpty(response.Headers.SetCookie))
        {
            context.AllowCacheStorage = false;
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>Whether the response to this request is going to be stored and served to other visitors.</summary>
    public static bool WillShare(HttpContext http) =>
        http.Features.Get<IOutputCacheFeature>()?.Context is { EnableOutputCaching: true, AllowCacheStorage: true };
}
