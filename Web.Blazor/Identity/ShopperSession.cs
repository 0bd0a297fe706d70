using System.Security.Claims;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Shop.ServiceDefaults.Identity;
using Shop.Web.Edge;
using Shop.Web.Services;
using StackExchange.Redis;

namespace Shop.Web.Identity;

/// <summary>
/// The shopper's session on the storefront: a cookie (HttpOnly, SameSite=Lax) holding only a session id; the claims
/// and the tokens identity-api issued at sign-in live server-side (<see cref="RedisSessionStore"/>). No token ever
/// reaches the browser; the BFF endpoints and pages attach the access token to API calls, <see cref="SessionRefresh"/>
/// renews it, and sign-out revokes the refresh token and deletes the session.
/// </summary>
public static class ShopperSession
{
    public const string Scheme = CookieAuthenticationDefaults.AuthenticationScheme;
    public const string CookieName = "shop.session";
    /// <summary>Each API's access token is stored as <c>access_token:{audience}</c>.</summary>
    public const string AccessTokenPrefix = "access_token:";
    public const string RefreshTokenName = "refresh_token";
    public const string ExpiresAtName = "expires_at";

    /// <summary>The gate Redis key of the storefront's Data Protection key ring.</summary>
    public const string DataProtectionKeysKey = "storefront:data-protection-keys";

    /// <summary>The longest a session lasts; identity-api ends it sooner (an admin's after an hour) by refusing its refresh token.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromHours(8);

    /// <summary>Cookie authentication for shoppers and admins; BFF endpoints answer 401/403 JSON instead of redirecting.</summary>
    public static IServiceCollection AddShopperSession(this IServiceCollection services, IHostEnvironment environment, IConfiguration configuration)
    {
        services.AddAuthentication(Scheme)
            .AddCookie(Scheme, options =>
            {
                options.Cookie.Name = EdgeCookies.Name(CookieName, environment);
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Lax;
                options.Cookie.Path = "/";
                options.Cookie.SecurePolicy = EdgeCookies.SecurePolicy(environment);
                options.LoginPath = "/signin";
                options.LogoutPath = "/signout";
                options.AccessDeniedPath = "/access-denied";
                options.ReturnUrlParameter = "returnUrl";
                // The session lives as long as identity-api lets its refresh token (set per ticket at sign-in); no
                // sliding renewal, which would also put a Set-Cookie on pages that must stay cacheable.
                options.SlidingExpiration = false;
                options.Events.OnValidatePrincipal = SessionRefresh.ValidateAsync;
                options.Events.OnRedirectToLogin = context => RedirectOrProblemAsync(context, StatusCodes.Status401Unauthorized,
                    "You are not signed in, or your session has ended: sign in again.");
                options.Events.OnRedirectToAccessDenied = context => RedirectOrProblemAsync(context, StatusCodes.Status403Forbidden,
                    "Your account is not allowed to do this.");
            });
        // The Data Protection keys that encrypt the session cookie (and the antiforgery tokens) live in the gate's Redis
        // too, which never evicts and keeps its data: after a restart, or on another replica, the same keys read the
        // same cookies, so nobody is signed out. (ASP.NET Core's default keeps them in the process's home folder.)
        // Each key is stored encrypted with the certificate of KeyRingOptions (ProtectKeysWithCertificate: XML
        // encryption with the certificate's RSA key), so the gate's data, its append-only file and its backups hold
        // no key that could forge a session cookie; required outside Development, checked at start.
        var dataProtection = services.AddDataProtection().SetApplicationName("shop-storefront");
        services.AddOptions<KeyManagementOptions>().Configure<IConnectionMultiplexer>((keys, redis) =>
            keys.XmlRepository = new RedisXmlRepository(() => redis.GetDatabase(), DataProtectionKeysKey));
        services.AddOptions<KeyRingOptions>().BindConfiguration(KeyRingOptions.SectionName)
            .Configure(options => options.Required = !environment.IsDevelopment())
            .ValidateDataAnnotations().ValidateOnStart();
        // Data Protection takes the certificate while the services are composed; a configured one that does not load
        // is left to the validation above, which stops the start with its reason.
        if (TryLoadKeyRingCertificate(configuration) is { } certificate)
        {
            dataProtection.ProtectKeysWithCertificate(certificate).UnprotectKeysWithAnyCertificate(certificate);
        }
        services.AddSingleton<RedisSessionStore>();
        services.AddSingleton<IPostConfigureOptions<CookieAuthenticationOptions>, SessionStoreSetup>();
        services.AddAuthorizationBuilder()
            .AddPolicy(ShopRoles.AdminPolicy, policy => policy.RequireAuthenticatedUser().RequireRole(ShopRoles.Admin));
        return services;
    }

    private static X509Certificate2? TryLoadKeyRingCertificate(IConfiguration configuration)
    {
        try
        {
            return KeyRingOptions.Load(configuration[$"{KeyRingOptions.SectionName}:{nameof(KeyRingOptions.Certificate)}"]);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The principal for a token issued by identity-api: its <c>sub</c>, <c>name</c> and <c>role</c> claims.</summary>
    /// <remarks>
    /// The token is read, not validated, here: it came straight from identity-api over the internal network, and
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

    public static async Task SignInAsync(HttpContext http, SessionTokens tokens)
    {
        var properties = new AuthenticationProperties
        {
            IsPersistent = false,
            ExpiresUtc = http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow() + MaxLifetime,
            AllowRefresh = false,
        };
        StoreTokens(properties, tokens);
        await http.SignInAsync(Scheme, PrincipalFromToken(tokens.AnyAccessToken), properties).ConfigureAwait(false);
    }

    internal static void StoreTokens(AuthenticationProperties properties, SessionTokens tokens)
    {
        properties.StoreTokens([
            .. tokens.AccessTokens.Select(pair => new AuthenticationToken { Name = AccessTokenPrefix + pair.Key, Value = pair.Value }),
            new() { Name = ExpiresAtName, Value = tokens.AccessTokensExpireAt.ToString("o", System.Globalization.CultureInfo.InvariantCulture) },
            new() { Name = RefreshTokenName, Value = tokens.RefreshToken },
        ]);
    }

    /// <summary>The signed-in user's access token for the API <paramref name="audience"/> (<see cref="ShopAudiences"/>), or null.</summary>
    public static Task<string?> GetAccessTokenAsync(this HttpContext http, string audience) => http.GetTokenAsync(Scheme, AccessTokenPrefix + audience);

    /// <summary>
    /// Signs out: revokes the session's refresh token at identity-api (so no new access token comes of it), then
    /// deletes the session (the cookie's id no longer finds it) and the cookie. A revocation that fails is logged and
    /// the session still ends here; the refresh token then dies with its lifetime.
    /// </summary>
    public static async Task EndSessionAsync(HttpContext http)
    {
        if (http.User.Identity?.IsAuthenticated == true && await http.GetTokenAsync(Scheme, RefreshTokenName).ConfigureAwait(false) is { } refreshToken)
        {
            try
            {
                await http.RequestServices.GetRequiredService<IdentityApiClient>().RevokeAsync(refreshToken, http.RequestAborted).ConfigureAwait(false);
            }
            catch (ShopApiException e)
            {
                http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ShopperSession)).LogWarning(e, "The session's refresh token could not be revoked; the session ends here anyway.");
            }
        }
        if (!http.Response.HasStarted)
        {
            await http.SignOutAsync(Scheme).ConfigureAwait(false);
        }
    }

    /// <summary>An API refused the session's token (expired while identity-api was away, or the account was removed): end the session.</summary>
    public static async Task SignOutIfRefusedAsync(HttpContext http, int status)
    {
        if (status == StatusCodes.Status401Unauthorized && http.User.Identity?.IsAuthenticated == true && !http.Response.HasStarted)
        {
            await EndSessionAsync(http).ConfigureAwait(false);
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
            return ProblemResponse.WriteAsync(context.Response, status, status == 401 ? "Unauthorized" : "Forbidden", detail);
        }
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}
