using Microsoft.AspNetCore.Antiforgery;

namespace Shop.Web.Edge;

/// <summary>
/// How the storefront's cookies (the session, antiforgery) are marked. Outside Development every cookie is
/// <c>Secure</c> and named <c>__Host-…</c>: browsers then accept it only from https, for this host and path "/" alone,
/// so no subdomain or http page can set or shadow it. In Development (<c>./run.sh</c> on http://localhost) a cookie is
/// secure when its request is, and behind the ingress, whose forwarded https the storefront believes
/// (<see cref="StorefrontEdge"/>), that is every request.
/// </summary>
public static class EdgeCookies
{
    public static CookieSecurePolicy SecurePolicy(IHostEnvironment environment) =>
        environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;

    public static string Name(string name, IHostEnvironment environment) =>
        environment.IsDevelopment() ? name : "__Host-" + name;

    /// <summary>The antiforgery cookie, marked like the session's (its default is never Secure, and named after the app).</summary>
    public static IServiceCollection AddEdgeAntiforgeryCookie(this IServiceCollection services, IHostEnvironment environment) =>
        services.Configure<AntiforgeryOptions>(antiforgery =>
        {
            antiforgery.Cookie.Name = Name("shop.antiforgery", environment);
            antiforgery.Cookie.SecurePolicy = SecurePolicy(environment);
            antiforgery.Cookie.HttpOnly = true;
            antiforgery.Cookie.Path = "/";
            // Its SAMEORIGIN would stand beside the DENY every response carries (SecurityHeaders).
            antiforgery.SuppressXFrameOptionsHeader = true;
        });
}
