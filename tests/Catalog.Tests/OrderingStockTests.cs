using System.Net;
using System.Net.Http.Json;
using Shop.Testing;

namespace Shop.Catalog.Tests;

/// <summary>
/// The catalog shows the stock Ordering reports (docs/checkout.md): an item's availableStock follows ordering-api's
/// <c>GET /api/stock/items</c> as units are sold, while catalogdb keeps what the admin set; with ordering-api gone the
/// catalog keeps answering with the last figures and warns once. Needs the AppHost to give catalog-api a reference
/// to ordering-api. Crosses two services, so it has an app of its own with both (and the worker, which arms the stock).
/// </summary>
public sealed class OrderingStockTests(CatalogWithOrderingFixture fixture) : IClassFixture<CatalogWithOrderingFixture>
{
    private const string UnreachableWarning = "Ordering's stock figures cannot be read (";
    private const string RecoveredLine = "Ordering's stock figures can be read again";

    private static async Task<long?> OrderingFigureAsync(HttpClient ordering, int itemId)
    {
        using var response = await ordering.GetAsync("/api/stock/items");
        Assert.True(response.StatusCode == HttpStatusCode.OK,
            $"ordering-api's GET /api/stock/items answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        var levels = await response.Content.ReadFromJsonAsync<List<StockLevelDto>>(Http.Json);
        return levels!.SingleOrDefault(l => l.ItemId == itemId)?.Available;
    }

    private async Task<int> CatalogFigureAsync(int itemId) =>
        (await fixture.Client.GetAsync<ItemDto>($"/api/catalog/items/{itemId}")).AvailableStock;

    private int CatalogLines(string text) => fixture.Shop.States.LogOf("catalog-api").Count(l => l.Contains(text, StringComparison.Ordinal));

    [Fact]
    public async Task The_catalog_shows_the_stock_ordering_reports_and_keeps_it_while_ordering_is_away()
    {
        await fixture.Shop.WaitForHealthyAsync("ordering-api");
        using var ordering = fixture.App.CreateHttpClient("ordering-api");
        using var created = await fixture.AdminSendAsync(HttpMethod.Post, "/api/admin/catalog/items",
            new { name = "Zz Ordering Counted Mug", description = "Sold through checkout by the tests.", price = 8.5m, categoryId = 4, availableStock = 5 });
        var item = await Http.ReadAsync<ItemDto>(created, HttpStatusCode.Created);
        await Eventually.HoldsAsync(async () => await OrderingFigureAsync(ordering, item.Id) == 5,
            "ordering-api sells the new item's 5 units", TimeSpan.FromSeconds(30));

        using var checkout = new HttpRequestMessage(HttpMethod.Post, "/api/orders")
        {
            Content = JsonContent.Create(new { items = new[] { new { itemId = item.Id, quantity = 2 } } }),
        };
        checkout.Headers.Authorization = new("Bearer", fixture.ShopperToken);
        checkout.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        using (var accepted = await ordering.SendAsync(checkout))
        {
            Assert.True(accepted.StatusCode == HttpStatusCode.Accepted, $"checkout: {(int)accepted.StatusCode} {await accepted.Content.ReadAsStringAsync()}");
        }
        Assert.Equal(3, await OrderingFigureAsync(ordering, item.Id));

        // Ordering's figure, in details and lists, while catalogdb keeps the stock the admin set.
        await Eventually.HoldsAsync(async () => await CatalogFigureAsync(item.Id) == 3,
            "the catalog shows Ordering's 3 (does the AppHost give catalog-api a reference to ordering-api?)", TimeSpan.FromSeconds(10));
        var listed = await fixture.Client.GetAsync<ItemsPageDto>("/api/catalog/items?name=" + Uri.EscapeDataString("Counted Mug") + "&pageSize=100");
        Assert.Equal(3, Assert.Single(listed.Data, i => i.Id == item.Id).AvailableStock);
        Assert.Equal(5, await fixture.ScalarAsync<int>("SELECT available_stock FROM catalog_items WHERE id = $1", item.Id));

        var instances = fixture.Shop.Instances("ordering-api");
        var warningsBefore = CatalogLines(UnreachableWarning);
        var recoveriesBefore = CatalogLines(RecoveredLine);
        try
        {
            await fixture.Shop.KillAsync("ordering-api");
            // Several refresh rounds without Ordering: reads still answer, with the last figure, and one warning.
            await Task.Delay(TimeSpan.FromSeconds(4));
            Assert.Equal(3, await CatalogFigureAsync(item.Id));
            var page = await fixture.Client.GetAsync<ItemsPageDto>("/api/catalog/items?categoryId=4&pageSize=100");
            Assert.Equal(3, Assert.Single(page.Data, i => i.Id == item.Id).AvailableStock);
            await Eventually.HoldsAsync(() => Task.FromResult(CatalogLines(UnreachableWarning) == warningsBefore + 1), "catalog-api warns of the outage");
            await Task.Delay(TimeSpan.FromSeconds(2));
            Assert.Equal(warningsBefore + 1, CatalogLines(UnreachableWarning));
        }
        finally
        {
            foreach (var instance in instances)
            {
                await fixture.Shop.StartAgainAsync(instance, TimeSpan.FromMinutes(2));
            }
        }
        await Eventually.HoldsAsync(() => Task.FromResult(CatalogLines(RecoveredLine) == recoveriesBefore + 1),
            "catalog-api reads Ordering's figures again", TimeSpan.FromSeconds(30));
        Assert.Equal(3, await CatalogFigureAsync(item.Id));

        // The admin restocks: "from now on, 7 can be sold" travels outbox → RabbitMQ → worker → gate, and comes
        // back as the catalog's figure; the 2 units sold stay sold.
        using (var restocked = await fixture.AdminSendAsync(HttpMethod.Put, $"/api/admin/catalog/items/{item.Id}",
            new { name = item.Name, description = "Sold through checkout by the tests.", price = 8.5m, categoryId = 4, availableStock = 7 }))
        {
            Assert.True(restocked.IsSuccessStatusCode, $"restock: {(int)restocked.StatusCode} {await restocked.Content.ReadAsStringAsync()}");
        }
        await Eventually.HoldsAsync(async () => await OrderingFigureAsync(ordering, item.Id) == 7, "the gate sells the admin's new 7", TimeSpan.FromSeconds(30));
        await Eventually.HoldsAsync(async () => await CatalogFigureAsync(item.Id) == 7, "the catalog shows Ordering's 7", TimeSpan.FromSeconds(10));
    }

    private sealed record StockLevelDto(int ItemId, long Available);
}
