using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.IdentityModel.JsonWebTokens;
using Shop.ServiceDefaults.Identity;
using Shop.Web.Services;

namespace Shop.Web.Identity;

/// <summary>
/// The shopper's session on the storefront: a cookie (HttpOnly, SameSite=Lax) holding the user's claims and,
/// server-side only, the access token catalog-api issued at sign-in. The token never reaches the browser's
/// script; the BFF endpoints and pages attach it to API calls.
/// </summary>
public static class ShopperSession
{
    public const string Scheme = CookieAuthenticationDefaults.AuthenticationScheme;
    public const string CookieName = "shop.session";
    public const string AccessTokenName = "access_token";

    /// <summary>Cookie authentication for shoppers and admins; BFF endpoints answer 401/403 JSON instead of redirecting.</summary>
    public static IServiceCollection AddShopperSession(this IServiceCollection services)
    {
        services.AddAuthentication(Scheme)
            .AddCookie(Scheme, options =>
            {
                options.Cookie.Name = CookieName;
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Lax;
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.LoginPath = "/signin";
                options.LogoutPath = "/signout";
                options.AccessDeniedPath = "/access-denied";
                options.ReturnUrlParameter = "returnUrl";
                // The session lives as long as the token inside it (set per ticket at sign-in); it cannot be
                // renewed without the password, so there is no sliding renewal (which would also put a
                // Set-Cookie on pages that must stay cacheable).
                options.SlidingExpiration = false;
                options.Events.OnRedirectToLogin = context => RedirectOrProblemAsync(context, StatusCodes.Status401Unauthorized,
                    "You are not signed in, or your session has ended: sign in again.");
                options.Events.OnRedirectToAccessDenied = context => RedirectOrProblemAsync(context, StatusCodes.Status403Forbidden,
                    "Your account is not allowed to do this.");
            });
        services.AddAuthorizationBuilder()
            .AddPolicy(ShopRoles.AdminPolicy, policy => policy.RequireAuthenticatedUser().RequireRole(ShopRoles.Admin));
        return services;
    }

    /// <summary>The principal for a token issued by catalog-api: its <c>sub</c>, <c>name</c> and <c>role</c> claims.</summary>
    /// <remarks>
    /// The token is read, not validated, here: it came straight from the issuer over the internal network, and
    /// every API validates it on each call (a refused token ends the session, see <see cref="SignOutIfRefusedAsync"/>).
    /// </remarks>
    public static ClaimsPrincipal PrincipalFromToken(string accessToken)
    {
        var token = new JsonWebToken(accessToken);
        var claims = new List<Claim>();
        foreach (var claim in token.Claims)
        {
            if (claim.Type is ShopClaimTypes.UserId or ShopClaimTypes.Name or ShopClaimTypes.Role)
            {
                claims.Add(new Claim(claim.Type, claim.Value));
            }
        }
        if (!claims.Any(c => c.Type == ShopClaimTypes.UserId))
        {
            throw new ArgumentException("The access token has no subject.", nameof(accessToken));
        }
        return new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme, ShopClaimTypes.Name, ShopClaimTypes.Role));
    }

    public static async Task SignInAsync(HttpContext http, TokenResponse token)
    {
        var properties = new AuthenticationProperties
        {
            IsPersistent = false,
            ExpiresUtc = token.ExpiresAt,
            AllowRefresh = false,
        };
        properties.StoreTokens([new AuthenticationToken { Name = AccessTokenName, Value = token.AccessToken }]);
        await http.SignInAsync(Scheme, PrincipalFromToken(token.AccessToken), properties).ConfigureAwait(false);
    }

    /// <summary>The signed-in user's access token, or null.</summary>
    public static Task<string?> GetAccessTokenAsync(this HttpContext http) => http.GetTokenAsync(Scheme, AccessTokenName);

    /// <summary>An API refused the session's token (expired, or signed with a key that changed): end the session.</summary>
    public static async Task SignOutIfRefusedAsync(HttpContext http, int status)
    {
        if (status == StatusCodes.Status401Unauthorized && http.User.Identity?.IsAuthenticated == true && !http.Response.HasStarted)
        {
            await http.SignOutAsync(Scheme).ConfigureAwait(false);
        }
    }

    public static string DisplayName(this ClaimsPrincipal user) => user.FindFirstValue(ShopClaimTypes.Name) ?? "shopper";

    public static bool IsAdmin(this ClaimsPrincipal user) => user.IsInRole(ShopRoles.Admin);

    /// <summary>A local URL to go back to after sign-in, or "/" (never another site: no open redirect).</summary>
    public static string SafeReturnUrl(string? returnUrl)
    {
        if (string.IsNullOrEmpty(returnUrl) || returnUrl[0] != '/' || returnUrl.StartsWith("//", StringComparison.Ordinal)
            || returnUrl.StartsWith("/\\", StringComparison.Ordinal) || returnUrl.Any(char.IsControl)
            || returnUrl.StartsWith("/signin", StringComparison.OrdinalIgnoreCase))
        {
            return "/";
        }
        return returnUrl;
    }

    /// <summary>Pages redirect to sign-in; the script-facing endpoints under /bff get problem+json.</summary>
    private static Task RedirectOrProblemAsync(RedirectContext<CookieAuthenticationOptions> context, int status, string detail)
    {
        if (context.Request.Path.StartsWithSegments("/bff"))
        {
            context.Response.StatusCode = status;
            context.Response.Headers.CacheControl = "no-store";
            return context.Response.WriteAsJsonAsync(
                new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = status, Title = status == 401 ? "Unauthorized" : "Forbidden", Detail = detail },
                ShopJsonContext.Default.ProblemDetails, "application/problem+json");
        }
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}
