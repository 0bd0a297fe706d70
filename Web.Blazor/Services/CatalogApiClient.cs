using System.Globalization;
using System.Net;
using System.Net.Http.Json;

namespace Shop.Web.Services;

/// <summary>
/// Typed client of <c>catalog-api</c>. Its base address <c>https+http://catalog-api</c> is resolved by service
/// discovery (https endpoints first, else http) and every call goes through the standard resilience handler.
/// Reads are anonymous (catalog-api caches them); admin calls carry the signed-in admin's token.
/// </summary>
public sealed class CatalogApiClient(HttpClient httpClient)
{
    private const string Service = "catalog-api";

    /// <summary>The base address of the logical service.</summary>
    public static readonly Uri BaseAddress = new("https+http://catalog-api");

    /// <summary>The configured client (base address, resilience, discovery).</summary>
    public HttpClient HttpClient { get; } = httpClient;

    public async Task<CatalogPage> GetItemsAsync(int pageIndex, int pageSize, int? categoryId, string? name, CancellationToken cancellationToken = default)
    {
        var uri = string.Create(CultureInfo.InvariantCulture, $"/api/catalog/items?pageIndex={pageIndex}&pageSize={pageSize}");
        if (categoryId is { } category)
        {
            uri += string.Create(CultureInfo.InvariantCulture, $"&categoryId={category}");
        }
        if (!string.IsNullOrWhiteSpace(name))
        {
            uri += "&name=" + Uri.EscapeDataString(name.Trim());
        }
        using var response = await SendAsync(ApiHttp.Request(HttpMethod.Get, uri), cancellationToken).ConfigureAwait(false);
        return await ApiHttp.ReadAsync(response, Service, ShopJsonContext.Default.CatalogPage, cancellationToken).ConfigureAwait(false);
    }

    public async Task<CatalogItem?> GetItemAsync(int id, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(ApiHttp.Request(HttpMethod.Get, string.Create(CultureInfo.InvariantCulture, $"/api/catalog/items/{id}")), cancellationToken).ConfigureAwait(false);
        return ApiHttp.IsNotFound(response) ? null : await ApiHttp.ReadAsync(response, Service, ShopJsonContext.Default.CatalogItem, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<Category>> GetCategoriesAsync(CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(ApiHttp.Request(HttpMethod.Get, "/api/catalog/categories"), cancellationToken).ConfigureAwait(false);
        return await ApiHttp.ReadAsync(response, Service, ShopJsonContext.Default.IReadOnlyListCategory, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Live and upcoming sales, soonest first.</summary>
    public async Task<IReadOnlyList<FlashSale>> GetSalesAsync(CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(ApiHttp.Request(HttpMethod.Get, "/api/flash-sales"), cancellationToken).ConfigureAwait(false);
        return await ApiHttp.ReadAsync(response, Service, ShopJsonContext.Default.IReadOnlyListFlashSale, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The id of every sale, ended and cancelled ones too (<see cref="KnownSales"/>).</summary>
    public async Task<IReadOnlyList<Guid>> GetSaleIdsAsync(CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(ApiHttp.Request(HttpMethod.Get, "/api/flash-sales/ids"), cancellationToken).ConfigureAwait(false);
        return await ApiHttp.ReadAsync(response, Service, ShopJsonContext.Default.IReadOnlyListGuid, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One sale, also ended or cancelled; null when there is none.</summary>
    public async Task<FlashSale?> GetSaleAsync(Guid id, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(ApiHttp.Request(HttpMethod.Get, $"/api/flash-sales/{id}"), cancellationToken).ConfigureAwait(false);
        return ApiHttp.IsNotFound(response) ? null : await ApiHttp.ReadAsync(response, Service, ShopJsonContext.Default.FlashSale, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The item's picture as catalog-api serves it (the caller copies it to the browser and disposes it).</summary>
    public Task<HttpResponseMessage> GetPictureAsync(int itemId, string? version, string? ifNoneMatch, CancellationToken cancellationToken = default)
    {
        var uri = string.Create(CultureInfo.InvariantCulture, $"/api/catalog/items/{itemId}/pic");
        if (!string.IsNullOrEmpty(version))
        {
            uri += "?v=" + Uri.EscapeDataString(version);
        }
        var request = ApiHttp.Request(HttpMethod.Get, uri);
        if (!string.IsNullOrEmpty(ifNoneMatch))
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        }
        return SendAsync(request, cancellationToken);
    }

    /// <summary>Every sale, newest first (admin).</summary>
    public async Task<IReadOnlyList<FlashSale>> GetAdminSalesAsync(string accessToken, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(ApiHttp.Request(HttpMethod.Get, "/api/admin/flash-sales", accessToken), cancellationToken).ConfigureAwait(false);
        return await ApiHttp.ReadAsync(response, Service, ShopJsonContext.Default.IReadOnlyListFlashSale, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates a sale (admin): the sale, or the API's problem (400 with field errors, 409 overlap).</summary>
    public async Task<(FlashSale? Sale, ApiProblem? Problem)> CreateSaleAsync(string accessToken, CreateFlashSale sale, CancellationToken cancellationToken = default)
    {
        using var request = ApiHttp.Request(HttpMethod.Post, "/api/admin/flash-sales", accessToken, JsonContent.Create(sale, ShopJsonContext.Default.CreateFlashSale));
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        return await ChangeResultAsync(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Cancels a sale (admin): the cancelled sale, or the API's problem (404, 409 for an ended sale).</summary>
    public async Task<(FlashSale? Sale, ApiProblem? Problem)> CancelSaleAsync(string accessToken, Guid saleId, CancellationToken cancellationToken = default)
    {
        using var request = ApiHttp.Request(HttpMethod.Post, $"/api/admin/flash-sales/{saleId}/cancel", accessToken);
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        return await ChangeResultAsync(response, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<(FlashSale?, ApiProblem?)> ChangeResultAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return (await ApiHttp.ReadAsync(response, Service, ShopJsonContext.Default.FlashSale, cancellationToken).ConfigureAwait(false), null);
        }
        if ((int)response.StatusCode is 400 or 404 or 409)
        {
            return (null, await ApiHttp.ReadProblemAsync(response, cancellationToken).ConfigureAwait(false));
        }
        throw await ApiHttp.FailureAsync(response, Service, cancellationToken).ConfigureAwait(false);
    }

    private Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        ApiHttp.SendAsync(HttpClient, Service, request, cancellationToken);
}
