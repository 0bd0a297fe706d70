namespace Shop.Web.Identity;

/// <summary>
/// The signed-in shopper's access token for the live (interactive) components, which run in a Blazor circuit
/// where no request's <c>HttpContext</c> is at hand. Tests give the components a token of their own.
/// </summary>
public interface IShopperToken
{
    /// <summary>The token, or null when nobody is signed in.</summary>
    ValueTask<string?> GetAsync();
}

/// <summary>
/// Reads the token from the session cookie of the request that runs the component: the page request while it is
/// prerendered, then the circuit's own connection (the cookie travels with it; ASP.NET Core's guidance for
/// tokens in interactive server rendering). Read once per scope, that is once per circuit: a session that ends
/// in the meantime shows up as the API's 401, after which the component sends the shopper to sign in.
/// </summary>
public sealed class CookieShopperToken(IHttpContextAccessor accessor) : IShopperToken
{
    private string? _token;
    private bool _read;

    public async ValueTask<string?> GetAsync()
    {
        if (!_read && accessor.HttpContext is { } http)
        {
            _token = await http.GetAccessTokenAsync().ConfigureAwait(false);
            _read = true;
        }
        return _token;
    }
}
