namespace Shop.Web.Bff;

/// <summary>Body of the storefront's buy call: <c>{"quantity": n}</c>.</summary>
public sealed record BuyRequest(int Quantity);

/// <summary>
/// <c>GET /bff/me</c>: who the cookie says the visitor is (for pages served from the output cache), and the server's
/// clock (a cached page's render time is up to its cache duration old; the countdowns correct it from here).
/// </summary>
public sealed record SignedInUser(bool SignedIn, string? Name, bool IsAdmin, DateTimeOffset ServerTime);
