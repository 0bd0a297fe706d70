using System.Collections.Immutable;
using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using Shop.Identity.Api.SignIn;
using Shop.Identity.Data;
using Shop.Identity.Data.Seed;
using Shop.ServiceDefaults.Identity;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Shop.Identity.Api.Tokens;

/// <summary>
/// <c>POST /connect/token</c> after OpenIddict has checked the request and the client (passthrough): the password
/// grant (throttled per account and client, <see cref="SignInThrottle"/>) and the refresh-token grant (the account
/// must still exist with the same security stamp; its current roles go into the new access token). An access token is
/// for one API (<see cref="ApiAccessTokenSigning"/> signs it with that API's key): the request's one API scope, or the
/// API its <c>resource</c> names (RFC 8707) when it is granted several. Errors are OAuth's (<c>400 invalid_grant</c>,
/// <c>invalid_target</c> and the like), except a throttled attempt: 429 with Retry-After.
/// </summary>
public static class TokenEndpoint
{
    public const string Path = "/connect/token";

    /// <summary>The storefront's parameter for the shopper's address (trusted from the storefront only, which authenticates).</summary>
    public const string ClientAddressParameter = "client_address";

    /// <summary>In refresh tokens only: the account's security stamp at sign-in (a password reset changes it, ending the session).</summary>
    private const string SecurityStampClaim = "shop_security_stamp";

    public static void MapTokenEndpoint(this IEndpointRouteBuilder app) =>
        app.MapPost(Path, ExchangeAsync).ExcludeFromDescription();

    public static async Task<Results<SignInHttpResult, ForbidHttpResult, ProblemHttpResult>> ExchangeAsync(
        HttpContext http, UserManager<ShopUser> users, SignInThrottle throttle, SignInMetrics metrics,
        IOptions<TokenLifetimes> lifetimes, CancellationToken cancellationToken)
    {
        var request = http.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The token endpoint was reached without OpenIddict's request: is UseAuthentication missing?");
        if (request.IsPasswordGrantType())
        {
            return await PasswordAsync(http, request, users, throttle, metrics, lifetimes.Value, cancellationToken).ConfigureAwait(false);
        }
        if (request.IsRefreshTokenGrantType())
        {
            return await RefreshAsync(http, request, users, lifetimes.Value).ConfigureAwait(false);
        }
        return Refuse(Errors.UnsupportedGrantType, "Use grant_type=password or grant_type=refresh_token.");
    }

    private static async Task<Results<SignInHttpResult, ForbidHttpResult, ProblemHttpResult>> PasswordAsync(
        HttpContext http, OpenIddictRequest request, UserManager<ShopUser> users, SignInThrottle throttle, SignInMetrics metrics,
        TokenLifetimes lifetimes, CancellationToken cancellationToken)
    {
        // OpenIddict has refused a password grant without both parameters.
        var userName = request.Username!.Trim();
        var password = request.Password!;
        if (userName.Length is 0 or > ShopUser.UserNameMaxLength || password.Length > 256)
        {
            return Refuse(Errors.InvalidRequest, $"'username' must be 1 to {ShopUser.UserNameMaxLength} characters and 'password' at most 256.");
        }
        // Before the password is checked: a request that could get no token costs no hash and counts no attempt.
        var scopes = request.GetScopes() is { IsEmpty: false } asked ? asked : DefaultScopes(request);
        var target = AccessTokenAudience(request, scopes);
        if (target.Audience is not { } audience)
        {
            return target.Refusal!;
        }

        var keys = SignInThrottle.Keys.For(users.NormalizeName(userName), ClientAddress(http, request));
        if (await throttle.BeginAttemptAsync(keys, cancellationToken).ConfigureAwait(false) is { } wait)
        {
            metrics.RecordThrottled();
            var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
            http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return TypedResults.Problem(
                $"Too many failed sign-ins for this account or from this address: try again in {seconds} seconds.",
                statusCode: StatusCodes.Status429TooManyRequests, title: "Too many sign-in attempts");
        }

        var user = await users.FindByNameAsync(userName).ConfigureAwait(false);
        if (user is null)
        {
            // An unknown account costs the same hash as a wrong password: the answer's time tells nothing.
            users.PasswordHasher.VerifyHashedPassword(new ShopUser(), UnknownUserHash.Value, password);
            metrics.RecordWrongCredentials();
            return Refuse(Errors.InvalidGrant, "The user name or password is wrong.");
        }
        if (!await users.CheckPasswordAsync(user, password).ConfigureAwait(false))
        {
            metrics.RecordWrongCredentials();
            return Refuse(Errors.InvalidGrant, "The user name or password is wrong.");
        }

        await throttle.SucceededAsync(keys, cancellationToken).ConfigureAwait(false);
        metrics.RecordSucceeded();
        return TypedResults.SignIn(await PrincipalAsync(users, user, scopes, audience, lifetimes).ConfigureAwait(false),
            authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static async Task<Results<SignInHttpResult, ForbidHttpResult, ProblemHttpResult>> RefreshAsync(
        HttpContext http, OpenIddictRequest request, UserManager<ShopUser> users, TokenLifetimes lifetimes)
    {
        // OpenIddict has checked the refresh token (signature, expiry, not revoked) and put its principal here.
        var refreshed = (await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme).ConfigureAwait(false)).Principal;
        var user = refreshed?.GetClaim(Claims.Subject) is { } id ? await users.FindByIdAsync(id).ConfigureAwait(false) : null;
        if (user is null || refreshed?.GetClaim(SecurityStampClaim) != user.SecurityStamp)
        {
            return Refuse(Errors.InvalidGrant, "The session has ended (the account was removed or its password changed): sign in again.");
        }
        // A narrower scope (OpenIddict has checked it is among the granted ones) picks the API, as does a resource.
        var scopes = request.GetScopes() is { IsEmpty: false } asked ? asked : refreshed!.GetScopes();
        var target = AccessTokenAudience(request, scopes);
        if (target.Audience is not { } audience)
        {
            return target.Refusal!;
        }
        return TypedResults.SignIn(await PrincipalAsync(users, user, scopes, audience, lifetimes).ConfigureAwait(false),
            authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>
    /// The one API this request's access token is for: the API its <c>resource</c> names, which must be among the granted
    /// scopes' APIs, or else the granted scopes' only API. An API's key signs only its own tokens, so a token cannot be
    /// for several; a session gets one per API with its refresh token.
    /// </summary>
    private static (string? Audience, ForbidHttpResult? Refusal) AccessTokenAudience(OpenIddictRequest request, ImmutableArray<string> scopes)
    {
        string[] granted = [.. scopes.Where(ShopAudiences.ByScope.ContainsKey).Select(scope => ShopAudiences.ByScope[scope])];
        var resources = request.GetResources();
        if (resources.Length > 1)
        {
            return (null, Refuse(Errors.InvalidTarget, "An access token is for one API: name one 'resource'."));
        }
        if (resources.Length == 1)
        {
            // OpenIddict has refused a resource it does not know (RegisterResources), so this one is an API's.
            var audience = ShopAudiences.ByResource[resources[0]];
            return granted.Contains(audience)
                ? (audience, null)
                : (null, Refuse(Errors.InvalidTarget, $"'{resources[0]}' is not among the APIs this request is granted: ask for its scope '{ShopAudiences.ScopeOf(audience)}'."));
        }
        return granted switch
        {
            [var only] => (only, null),
            [] => (null, Refuse(Errors.InvalidScope, $"Ask for an API's scope: {string.Join(", ", ShopAudiences.ByScope.Keys)}.")),
            _ => (null, Refuse(Errors.InvalidTarget,
                $"This request is granted several APIs, and an access token is for one (signed with that API's key): name it with 'resource' " +
                $"({string.Join(", ", ShopAudiences.All.Select(ShopAudiences.ResourceOf))}), or ask for one scope.")),
        };
    }

    /// <summary>
    /// The user as the access token carries them: id, name, current roles; the granted scopes (kept by the refresh
    /// token, which gets tokens for each of their APIs); meant for <paramref name="audience"/> only.
    /// </summary>
    private static async Task<ClaimsPrincipal> PrincipalAsync(UserManager<ShopUser> users, ShopUser user, ImmutableArray<string> scopes, string audience, TokenLifetimes lifetimes)
    {
        var roles = await users.GetRolesAsync(user).ConfigureAwait(false);
        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, user.Id.ToString())
            .SetClaim(Claims.Name, user.UserName)
            .SetClaims(Claims.Role, [.. roles])
            .SetClaim(SecurityStampClaim, user.SecurityStamp);
        identity.SetScopes(scopes);
        identity.SetResources(audience);
        identity.SetDestinations(claim => claim.Type is Claims.Subject or Claims.Name or Claims.Role ? [Destinations.AccessToken] : []);
        var principal = new ClaimsPrincipal(identity);
        principal.SetAccessTokenLifetime(lifetimes.AccessToken);
        principal.SetRefreshTokenLifetime(roles.Contains(ShopRoles.Admin) ? lifetimes.AdminSession : lifetimes.ShopperSession);
        return principal;
    }

    /// <summary>No scope asked for: every API, and a session (refresh token) for the clients allowed one.</summary>
    private static ImmutableArray<string> DefaultScopes(OpenIddictRequest request) =>
        request.ClientId == ShopClients.Storefront ? [.. ShopAudiences.ByScope.Keys, Scopes.OfflineAccess] : [.. ShopAudiences.ByScope.Keys];

    /// <summary>The shopper's address as the storefront saw it (the storefront authenticated with its secret), else the caller's.</summary>
    private static IPAddress? ClientAddress(HttpContext http, OpenIddictRequest request) =>
        request.ClientId == ShopClients.Storefront
        && (string?)request.GetParameter(ClientAddressParameter) is { } forwarded && IPAddress.TryParse(forwarded, out var address)
            ? address
            : http.Connection.RemoteIpAddress;

    private static ForbidHttpResult Refuse(string error, string description) =>
        TypedResults.Forbid(new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);

    /// <summary>A hash of a random password, computed once, for unknown accounts to be checked against.</summary>
    private static readonly Lazy<string> UnknownUserHash = new(() =>
        new PasswordHasher<ShopUser>().HashPassword(new ShopUser(), Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16))));
}
