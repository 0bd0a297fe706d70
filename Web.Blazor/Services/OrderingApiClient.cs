using System.Net.Http.Json;

namespace Shop.Web.Services;

/// <summary>
/// Typed client of <c>ordering-api</c>. Its base address <c>https+http://ordering-api</c> is resolved by service
/// discovery (https endpoints first, else http; every replica, round-robin) and every call goes through the
/// standard resilience handler. Everything but the stock carries the signed-in shopper's token.
/// </summary>
public sealed class OrderingApiClient(HttpClient httpClient)
{
    private const string Service = "ordering-api";

    /// <summary>The base address of the logical service.</summary>
    public static readonly Uri BaseAddress = new("https+http://ordering-api");

    /// <summary>The configured client (base address, resilience, discovery).</summary>
    public HttpClient HttpClient { get; } = httpClient;

    /// <summary>The sale's stock as the gate sees it; null when the gate does not know the sale (yet).</summary>
    public async Task<SaleStock?> GetStockAsync(Guid saleId, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(ApiHttp.Request(HttpMethod.Get, $"/api/flash-sales/{saleId}/stock"), cancellationToken).ConfigureAwait(false);
        return ApiHttp.IsNotFound(response) ? null : await ApiHttp.ReadAsync(response, Service, ShopJsonContext.Default.SaleStock, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The shopper's orders, newest first (pending ones included).</summary>
    public async Task<IReadOnlyList<Order>> GetOrdersAsync(string accessToken, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(ApiHttp.Request(HttpMethod.Get, "/api/orders", accessToken), cancellationToken).ConfigureAwait(false);
        return await ApiHttp.ReadAsync(response, Service, ShopJsonContext.Default.IReadOnlyListOrder, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>POST /api/orders/{id}/pay</c> or <c>/cancel</c>; the raw answer, for the caller to interpret or pass on.</summary>
    public Task<HttpResponseMessage> ChangeOrderAsync(string accessToken, Guid orderId, OrderAction action, CancellationToken cancellationToken = default) =>
        SendAsync(ApiHttp.Request(HttpMethod.Post, $"/api/orders/{orderId}/{(action == OrderAction.Pay ? "pay" : "cancel")}", accessToken), cancellationToken);

    /// <summary>The sale's stock invariant, term by term (admin); null when the ledger has no such sale.</summary>
    public async Task<ReconciliationReport?> GetReconciliationAsync(string accessToken, Guid saleId, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(ApiHttp.Request(HttpMethod.Get, $"/api/admin/flash-sales/{saleId}/reconciliation", accessToken), cancellationToken).ConfigureAwait(false);
        return ApiHttp.IsNotFound(response) ? null : await ApiHttp.ReadAsync(response, Service, ShopJsonContext.Default.ReconciliationReport, cancellationToken).ConfigureAwait(false);
    }

    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        ApiHttp.SendAsync(HttpClient, Service, request, cancellationToken);
}

public enum OrderAction
{
    Pay,
    Cancel,
}
