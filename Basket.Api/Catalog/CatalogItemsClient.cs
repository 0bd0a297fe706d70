using System.Net;
using System.Net.Http.Json;
using Shop.Basket.Api.Apis;

namespace Shop.Basket.Api.Catalog;

/// <summary>One catalog item as the basket shows it: its current name, price and picture.</summary>
public sealed record CatalogItem(int Id, string Name, decimal Price, string PictureUrl, int AvailableStock);

/// <summary>
/// Reads items from catalog-api (<c>https+http://catalog-api</c>, resolved by service discovery, through the
/// standard resilience handler); catalog-api caches its reads, so asking per line is cheap.
/// </summary>
public sealed class CatalogItemsClient(HttpClient http)
{
    public static readonly Uri BaseAddress = new("https+http://catalog-api");

    /// <summary>The item, or null when the catalog has no such item (never had, or deleted).</summary>
    public async Task<CatalogItem?> FindAsync(int itemId, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync($"/api/catalog/items/{itemId}", cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync(BasketJsonContext.Default.CatalogItem, cancellationToken).ConfigureAwait(false)
            ?? throw new HttpRequestException($"catalog-api answered item {itemId} with an empty body");
    }

    /// <summary>Every item of <paramref name="itemIds"/> at once; absent ones map to null.</summary>
    public async Task<IReadOnlyDictionary<int, CatalogItem?>> FindAllAsync(IEnumerable<int> itemIds, CancellationToken cancellationToken)
    {
        var lookups = itemIds.Distinct().Select(async id => (Id: id, Item: await FindAsync(id, cancellationToken).ConfigureAwait(false))).ToList();
        var found = await Task.WhenAll(lookups).ConfigureAwait(false);
        return found.ToDictionary(f => f.Id, f => f.Item);
    }
}
