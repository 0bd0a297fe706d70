using System.Globalization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Shop.Web.Services;

namespace Shop.Web.Identity;

/// <summary>
/// Keeps a session's access tokens fresh: identity-api's access tokens live minutes, so on a request that finds them
/// about to expire the storefront asks identity-api for new ones (one per API) with the session's refresh token, and takes
/// the account's current roles with it. A refused refresh token (revoked, expired, account removed or its password
/// changed) ends the session; identity-api unreachable keeps it (the APIs refuse the old token when it expires, and
/// the page asks the shopper to sign in again).
/// </summary>
internal static class SessionRefresh
{
    /// <summary>Refreshed this long before it expires, so that the token a request sends on is still valid when it arrives.</summary>
    private static readonly TimeSpan Ahead = TimeSpan.FromSeconds(60);

    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var http = context.HttpContext;
        var now = http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        if (ExpiresAt(context.Properties) is { } expiresAt && expiresAt - now > Ahead)
        {
            return;
        }
        if (context.Properties.GetTokenValue(ShopperSession.RefreshTokenName) is not { } refreshToken)
        {
            await EndAsync(context).ConfigureAwait(false);
            return;
        }
        SessionTokens? tokens;
        try
        {
            tokens = await http.RequestServices.GetRequiredService<IdentityApiClient>().RefreshAsync(refreshToken, http.RequestAborted).ConfigureAwait(false);
        }
        catch (ShopApiException)
        {
            return;
        }
        if (tokens is null)
        {
            await EndAsync(context).ConfigureAwait(false);
            return;
        }
        ShopperSession.StoreTokens(context.Properties, tokens);
        context.ReplacePrincipal(ShopperSession.PrincipalFromToken(tokens.AnyAccessToken));
        context.ShouldRenew = true;
    }

    public static DateTimeOffset? ExpiresAt(AuthenticationProperties properties) =>
        DateTimeOffset.TryParse(properties.GetTokenValue(ShopperSession.ExpiresAtName), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at) ? at : null;

    private static async Task EndAsync(CookieValidatePrincipalContext context)
    {
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(ShopperSession.Scheme).ConfigureAwait(false);
    }
}
