using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Shop.ServiceDefaults.Identity;
using Shop.Web.Services;

namespace Shop.Web.Identity;

/// <summary>The storefront's client settings with identity-api (section <c>Identity</c>; the AppHost gives the secret).</summary>
public sealed class StorefrontClientOptions
{
    public const string SectionName = "Identity";

    public const string ClientId = "storefront";

    /// <summary>The AppHost's secret parameter <c>storefront-client-secret</c>, which the migrations resource registers for this client.</summary>
    [Required]
    public string StorefrontClientSecret { get; set; } = "";
}

/// <summary>
/// A session's tokens: an access token per API (by audience, <see cref="ShopAudiences"/>; each API's is signed with that
/// API's key and good for it alone), the refresh token, and when the first of the access tokens expires.
/// </summary>
public sealed record SessionTokens(IReadOnlyDictionary<string, string> AccessTokens, string RefreshToken, DateTimeOffset AccessTokensExpireAt)
{
    /// <summary>Any of the access tokens: they all carry the same user (sub, name, roles).</summary>
    public string AnyAccessToken => AccessTokens.Values.First();
}

/// <summary>One API's access token and when it expires.</summary>
internal sealed record ApiAccessToken(string AccessToken, string? RefreshToken, DateTimeOffset ExpiresAt);

/// <summary>What a sign-in came to: tokens, wrong credentials, throttled (with the wait), or identity-api unavailable.</summary>
public sealed record SignInOutcome(SessionTokens? Tokens, bool IsWrongCredentials, bool IsThrottled, TimeSpan? RetryAfter)
{
    public static readonly SignInOutcome WrongCredentials = new(null, true, false, null);

    public static SignInOutcome Success(SessionTokens tokens) => new(tokens, false, false, null);

    public static SignInOutcome Throttled(TimeSpan? retryAfter) => new(null, false, true, retryAfter);

    public static SignInOutcome Unavailable(TimeSpan? retryAfter) => new(null, false, false, retryAfter);
}

/// <summary>
/// identity-api's OAuth endpoints, called server-to-server as the confidential client <c>storefront</c>: the
/// password grant (with the shopper's address, for the per-client throttle), the refresh-token grant, revocation.
/// A session is granted every API; an access token is for one (identity-api signs each with its API's key), so the
/// sign-in asks for the first API's token and the refresh token brings the others (the same three on each refresh).
/// The browser never sees a token.
/// </summary>
public sealed class IdentityApiClient(HttpClient httpClient, IOptions<StorefrontClientOptions> options, TimeProvider time)
{
    private const string Service = "identity-api";

    /// <summary>Every API's scope, and a session (refresh token).</summary>
    private static readonly string Scopes = string.Join(' ', [.. ShopAudiences.ByScope.Keys, "offline_access"]);

    public static readonly Uri BaseAddress = new("https+http://identity-api");

    public async Task<SignInOutcome> SignInAsync(string userName, string password, IPAddress? clientAddress, CancellationToken cancellationToken = default)
    {
        var form = Credentials("password");
        form["username"] = userName;
        form["password"] = password;
        form["scope"] = Scopes;
        form["resource"] = ShopAudiences.ResourceOf(ShopAudiences.All[0]);
        if (clientAddress is not null)
        {
            form["client_address"] = clientAddress.ToString();
        }
        HttpResponseMessage response;
        try
        {
            response = await PostAsync("/connect/token", form, cancellationToken).ConfigureAwait(false);
        }
        catch (ShopApiException e)
        {
            return SignInOutcome.Unavailable(e.RetryAfter);
        }
        using (response)
        {
            if (response.IsSuccessStatusCode)
            {
                return await CompleteSessionAsync(await ReadTokenAsync(response, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            }
            return response.StatusCode switch
            {
                HttpStatusCode.BadRequest when await IsInvalidGrantAsync(response, cancellationToken).ConfigureAwait(false) => SignInOutcome.WrongCredentials,
                HttpStatusCode.TooManyRequests => SignInOutcome.Throttled(ApiHttp.RetryAfter(response)),
                _ => SignInOutcome.Unavailable(ApiHttp.RetryAfter(response)),
            };
        }
    }

    /// <summary>New access tokens for the session, one per API; null when identity-api refused the refresh token (the session has ended).</summary>
    /// <exception cref="ShopApiException">identity-api could not be reached or failed: the session is kept, try later.</exception>
    public async Task<SessionTokens?> RefreshAsync(string refreshToken, CancellationToken cancellationToken = default) =>
        await SessionTokensAsync(refreshToken, [], cancellationToken).ConfigureAwait(false);

    /// <summary>The sign-in brought the first API's token and the refresh token; the refresh token brings the others.</summary>
    private async Task<SignInOutcome> CompleteSessionAsync(ApiAccessToken first, CancellationToken cancellationToken)
    {
        try
        {
            // identity-api grants the storefront a session (offline_access) with every sign-in; without one, no session.
            return first.RefreshToken is { } refreshToken
                && await SessionTokensAsync(refreshToken, new() { [ShopAudiences.All[0]] = first }, cancellationToken).ConfigureAwait(false) is { } tokens
                ? SignInOutcome.Success(tokens)
                : SignInOutcome.Unavailable(null);
        }
        catch (ShopApiException e)
        {
            return SignInOutcome.Unavailable(e.RetryAfter);
        }
    }

    /// <summary>Every API's token: those in <paramref name="held"/>, the others asked for side by side; null when the refresh token was refused.</summary>
    private async Task<SessionTokens?> SessionTokensAsync(string refreshToken, Dictionary<string, ApiAccessToken> held, CancellationToken cancellationToken)
    {
        var missing = ShopAudiences.All.Where(audience => !held.ContainsKey(audience)).ToArray();
        var fetched = await Task.WhenAll(missing.Select(audience => AccessTokenAsync(refreshToken, audience, cancellationToken))).ConfigureAwait(false);
        if (fetched.Any(token => token is null))
        {
            return null;
        }
        var tokens = held.Concat(missing.Zip(fetched, (audience, token) => KeyValuePair.Create(audience, token!))).ToArray();
        return new SessionTokens(
            tokens.ToDictionary(pair => pair.Key, pair => pair.Value.AccessToken),
            refreshToken,
            tokens.Min(pair => pair.Value.ExpiresAt));
    }

    /// <summary>An access token for <paramref name="audience"/> from the session's refresh token; null when identity-api refused it.</summary>
    private async Task<ApiAccessToken?> AccessTokenAsync(string refreshToken, string audience, CancellationToken cancellationToken)
    {
        var form = Credentials("refresh_token");
        form["refresh_token"] = refreshToken;
        form["scope"] = ShopAudiences.ScopeOf(audience);
        using var response = await PostAsync("/connect/token", form, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return await ReadTokenAsync(response, cancellationToken).ConfigureAwait(false);
        }
        if (response.StatusCode == HttpStatusCode.BadRequest && await IsInvalidGrantAsync(response, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }
        throw await ApiHttp.FailureAsync(response, Service, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Revokes the session's refresh token: from now on it gets no new access token.</summary>
    /// <exception cref="ShopApiException">identity-api could not be reached or refused the revocation.</exception>
    public async Task RevokeAsync(string refreshToken, CancellationToken cancellationToken = default)
    {
        var form = Credentials(grantType: null);
        form["token"] = refreshToken;
        form["token_type_hint"] = "refresh_token";
        using var response = await PostAsync("/connect/revoke", form, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw await ApiHttp.FailureAsync(response, Service, cancellationToken).ConfigureAwait(false);
        }
    }

    private Dictionary<string, string> Credentials(string? grantType)
    {
        var form = new Dictionary<string, string>
        {
            ["client_id"] = StorefrontClientOptions.ClientId,
            ["client_secret"] = options.Value.StorefrontClientSecret,
        };
        if (grantType is not null)
        {
            form["grant_type"] = grantType;
        }
        return form;
    }

    private Task<HttpResponseMessage> PostAsync(string path, Dictionary<string, string> form, CancellationToken cancellationToken) =>
        ApiHttp.SendAsync(httpClient, Service, new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) }, cancellationToken);

    private async Task<ApiAccessToken> ReadTokenAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadFromJsonAsync(ShopJsonContext.Default.OAuthTokenResponse, cancellationToken).ConfigureAwait(false);
        if (body is not { AccessToken.Length: > 0 })
        {
            throw new ShopApiException(Service, (int)response.StatusCode, ApiProblem.Empty with { Detail = "no access_token in the token response" }, null);
        }
        return new ApiAccessToken(body.AccessToken, body.RefreshToken, time.GetUtcNow().AddSeconds(body.ExpiresIn));
    }

    private static async Task<bool> IsInvalidGrantAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var error = await response.Content.ReadFromJsonAsync(ShopJsonContext.Default.OAuthError, cancellationToken).ConfigureAwait(false);
            return error?.Error == "invalid_grant";
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }
}

/// <summary>RFC 6749's token response (the fields the storefront reads).</summary>
public sealed record OAuthTokenResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("refresh_token")] string? RefreshToken,
    [property: JsonPropertyName("expires_in")] int ExpiresIn);

/// <summary>RFC 6749's error response.</summary>
public sealed record OAuthError(
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("error_description")] string? ErrorDescription);
