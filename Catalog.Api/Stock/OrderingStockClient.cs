using System.Net.Http.Json;

namespace Shop.Catalog.Api.Stock;

/// <summary>
/// Reads every item's stock from ordering-api (<c>https+http://ordering-api</c>, resolved by service discovery;
/// the AppHost must give catalog-api a reference to ordering-api). Ordering leaves deleted items out.
/// </summary>
public sealed class OrderingStockClient(HttpClient http)
{
    public static readonly Uri BaseAddress = new("https+http://ordering-api");

    public const string ItemsPath = "/api/stock/items";

    /// <summary>The figures of every item Ordering sells; throws when ordering-api cannot be reached or says no.</summary>
    public async Task<List<ItemStockLevel>> GetItemLevelsAsync(CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(ItemsPath, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync(OrderingStockJsonContext.Default.ListItemStockLevel, cancellationToken).ConfigureAwait(false)
            ?? throw new HttpRequestException($"ordering-api answered {ItemsPath} with an empty body");
    }
}
