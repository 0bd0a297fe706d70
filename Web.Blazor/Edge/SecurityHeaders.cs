namespace Shop.Web.Edge;

/// <summary>
/// The headers every storefront response carries: a Content-Security-Policy that allows only the shop's own scripts,
/// styles, pictures and connections and forbids framing (no clickjacking of "Pay" or "Cancel sale"), and the
/// headers that keep a browser from sniffing types or leaking the shop's URLs to other sites. Set when the response
/// starts, so that error pages, cached pages and re-executed status pages carry them too; a response that set its
/// own policy (the pictures) keeps it.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>
    /// The pages' policy. Scripts are files of the shop only (no inline script anywhere); styles allow inline
    /// because Blazor's reconnect dialog inserts a style element; the live components' WebSocket is 'self'.
    /// </summary>
    public const string PagePolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
        "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>
    /// The item pictures' policy (SVG drawn by catalog-api, served from the shop's origin): nothing in them may run,
    /// load or be framed, even when opened on their own.
    /// </summary>
    public const string PicturePolicy = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; sandbox";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(static state =>
        {
            var headers = ((HttpContext)state).Response.Headers;
            headers.TryAdd("Content-Security-Policy", PagePolicy);
            headers.TryAdd("X-Content-Type-Options", "nosniff");
            // For browsers without CSP's frame-ancestors.
            headers.TryAdd("X-Frame-Options", "DENY");
            headers.TryAdd("Referrer-Policy", "strict-origin-when-cross-origin");
            headers.TryAdd("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()");
            headers.TryAdd("Cross-Origin-Opener-Policy", "same-origin");
            return Task.CompletedTask;
        }, context);
        return next(context);
    });
}
