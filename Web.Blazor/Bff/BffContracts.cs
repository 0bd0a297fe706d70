namespace Shop.Web.Bff;

/// <summary>Body of the storefront's buy call: <c>{"quantity": n}</c>.</summary>
public sealed record BuyRequest(int Quantity);

/// <summary><c>GET /bff/me</c>: who the cookie says the visitor is (for pages served from the output cache).</summary>
public sealed record SignedInUser(bool SignedIn, string? Name, bool IsAdmin);
