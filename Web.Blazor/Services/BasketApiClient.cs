using System.Globalization;
using System.Net;
using System.Net.Http.Json;

namespace Shop.Web.Services;

/// <summary>
/// Typed client of <c>basket-api</c> (docs/basket.md). Its base address <c>https+http://basket-api</c> is resolved
/// by service discovery and every call goes through the standard resilience handler: each call is safe to repeat
/// (a PUT sets a quantity, a DELETE of a line that is already gone is taken as done). Every call carries the
/// shopper's token: basket-api finds the basket from its subject, so no call names a buyer.
/// </summary>
public sealed class BasketApiClient(HttpClient httpClient)
{
    private const string Service = "basket-api";

    /// <summary>The most of one item a basket holds (basket-api's <c>Basket:MaxQuantity</c> default).</summary>
    public const int MaxQuantity = 10;

    /// <summary>The base address of the logical service.</summary>
    public static readonly Uri BaseAddress = new("https+http://basket-api");

    /// <summary>The configured client (base address, resilience, discovery).</summary>
    public HttpClient HttpClient { get; } = httpClient;

    public async Task<BasketContents> GetAsync(string accessToken, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(ApiHttp.Request(HttpMethod.Get, "/api/basket", accessToken), cancellationToken).ConfigureAwait(false);
        return await ApiHttp.ReadAsync(response, Service, ShopJsonContext.Default.BasketContents, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sets a line's quantity (adds the line if new): the basket, or the refusal basket-api explains
    /// (404 item-not-found, 409 basket-full, 400 a quantity out of bounds).
    /// </summary>
    public async Task<(BasketContents? Basket, ApiProblem? Problem)> SetQuantityAsync(string accessToken, int itemId, int quantity, CancellationToken cancellationToken = default)
    {
        using var request = ApiHttp.Request(HttpMethod.Put, ItemUri(itemId), accessToken,
            JsonContent.Create(new SetBasketQuantity(quantity), ShopJsonContext.Default.SetBasketQuantity));
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        if ((int)response.StatusCode is 400 or 404 or 409)
        {
            return (null, await ApiHttp.ReadProblemAsync(response, cancellationToken).ConfigureAwait(false));
        }
        return (await ApiHttp.ReadAsync(response, Service, ShopJsonContext.Default.BasketContents, cancellationToken).ConfigureAwait(false), null);
    }

    /// <summary>Removes a line; a line that was not there (removed in another tab, or by a retry) changes nothing.</summary>
    public async Task<BasketContents> RemoveAsync(string accessToken, int itemId, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(ApiHttp.Request(HttpMethod.Delete, ItemUri(itemId), accessToken), cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return await GetAsync(accessToken, cancellationToken).ConfigureAwait(false);
        }
        return await ApiHttp.ReadAsync(response, Service, ShopJsonContext.Default.BasketContents, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Empties the basket (after a checkout).</summary>
    public async Task ClearAsync(string accessToken, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(ApiHttp.Request(HttpMethod.Delete, "/api/basket", accessToken), cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw await ApiHttp.FailureAsync(response, Service, cancellationToken).ConfigureAwait(false);
        }
    }

    private static string ItemUri(int itemId) => string.Create(CultureInfo.InvariantCulture, $"/api/basket/items/{itemId}");

    private Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        ApiHttp.SendAsync(HttpClient, Service, request, cancellationToken);
}
