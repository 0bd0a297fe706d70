using Microsoft.AspNetCore.Authentication;

namespace Shop.Web.Identity;

/// <summary>
/// The signed-in shopper's access tokens for the live (interactive) components, which run in a Blazor circuit
/// where no request's <c>HttpContext</c> is at hand. Tests give the components a token of their own.
/// </summary>
public interface IShopperToken
{
    /// <summary>The token for the API <paramref name="audience"/> (<see cref="Shop.ServiceDefaults.Identity.ShopAudiences"/>), or null when nobody is signed in.</summary>
    ValueTask<string?> GetAsync(string audience);
}

/// <summary>
/// Reads the tokens from the session cookie of the request that runs the component: the page request while it is
/// prerendered, then the circuit's own connection (the cookie travels with it; ASP.NET Core's guidance for
/// tokens in interactive server rendering). Read once per scope, that is once per circuit: a session that ends
/// in the meantime shows up as the API's 401, after which the component sends the shopper to sign in.
/// </summary>
public sealed class CookieShopperToken(IHttpContextAccessor accessor) : IShopperToken
{
    private Dictionary<string, string>? _tokens;

    public async ValueTask<string?> GetAsync(string audience)
    {
        if (_tokens is null && accessor.HttpContext is { } http)
        {
            var session = await http.AuthenticateAsync(ShopperSession.Scheme).ConfigureAwait(false);
            _tokens = (session.Properties?.GetTokens() ?? [])
                .Where(token => token.Name.StartsWith(ShopperSession.AccessTokenPrefix, StringComparison.Ordinal))
                .ToDictionary(token => token.Name[ShopperSession.AccessTokenPrefix.Length..], token => token.Value);
        }
        return _tokens?.GetValueOrDefault(audience);
    }
}
