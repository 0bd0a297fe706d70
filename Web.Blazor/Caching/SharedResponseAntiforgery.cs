using Microsoft.AspNetCore.Antiforgery;

namespace Shop.Web.Caching;

/// <summary>
/// Antiforgery that never stores a cookie token in a response the output cache is going to share.
/// </summary>
/// <remarks>
/// ASP.NET Core's Razor component endpoint asks for <see cref="IAntiforgery.GetAndStoreTokens"/> on every page it
/// renders (for forms and interactive components that might need it), which sets a per-visitor antiforgery cookie
/// and <c>Cache-Control: no-store</c>. On a shared page that made every first-time visitor (no antiforgery cookie
/// yet: every buyer who opens the sale page from a link) a cache miss, rendered anew: 351 sale pages/s where
/// serving the stored bytes takes a fraction of a millisecond. A shared page has no form that posts (the sale page
/// buys through /bff, protected by its client header; the anonymous home page only has GET forms), so such a
/// response gets the tokens without the cookie: the request token Blazor writes into the page's persisted state is
/// then paired with no cookie anyone holds and cannot validate a post. Every other response is unchanged.
/// Written here because no library offers it; Scrutor's <c>Decorate</c> wraps the framework's implementation.
/// </remarks>
public sealed class SharedResponseAntiforgery(IAntiforgery inner) : IAntiforgery
{
    public AntiforgeryTokenSet GetAndStoreTokens(HttpContext httpContext) =>
        SharedOutputCachePolicy.WillShare(httpContext) ? inner.GetTokens(httpContext) : inner.GetAndStoreTokens(httpContext);

    public AntiforgeryTokenSet GetTokens(HttpContext httpContext) => inner.GetTokens(httpContext);

    public Task<bool> IsRequestValidAsync(HttpContext httpContext) => inner.IsRequestValidAsync(httpContext);

    public Task ValidateRequestAsync(HttpContext httpContext) => inner.ValidateRequestAsync(httpContext);

    public void SetCookieTokenAndHeader(HttpContext httpContext) => inner.SetCookieTokenAndHeader(httpContext);
}
