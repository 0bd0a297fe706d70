namespace Shop.Web.Bff;

/// <summary>Body of the storefront's buy call: <c>{"quantity": n}</c>.</summary>
public sealed record BuyRequest(int Quantity);

/// <summary><c>GET /bff/me</c>: who the cookie says the visitor is (for pages served from the output cache).</summary>
public sealed record SignedInUser(bool SignedIn, string? Name, bool IsAdmin);

/// <summary>
/// <c>GET /bff/admin/flash-sales/{id}/live</c>: the gate's stock and the reconciliation report together; a part
/// that could not be read is null and its error says why.
/// </summary>
public sealed record LiveSaleView(
    Services.SaleStock? Stock,
    Services.ReconciliationReport? Reconciliation,
    string? StockError,
    string? ReconciliationError,
    DateTimeOffset ServerTime);
