using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting.Testing;
using Npgsql;
using Shop.Testing;

namespace Shop.IntegrationTests;

/// <summary>
/// The catalog shows the stock Ordering reports (docs/checkout.md): an item's availableStock follows ordering-api's
/// <c>GET /api/stock/items</c> as units are sold, while catalogdb keeps what the admin set; with ordering-api gone the
/// catalog keeps answering with the last figures and warns once. Crosses catalog-api, ordering-api and the worker
/// (which arms the item's stock from the catalog's announcement).
/// </summary>
[Collection(ShopAppCollection.Name)]
public sealed class OrderingStockTests(ShopAppFixture fixture)
{
    private const string UnreachableWarning = "Ordering's stock figures cannot be read (";
    private const string RecoveredLine = "Ordering's stock figures can be read again";

    private async Task<long?> OrderingFigureAsync(int itemId)
    {
        using var response = await fixture.Ordering.GetAsync("/api/stock/items");
        Assert.True(response.StatusCode == HttpStatusCode.OK,
            $"ordering-api's GET /api/stock/items answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        var levels = await response.Content.ReadFromJsonAsync<JsonElement>();
        return levels.EnumerateArray().Where(l => l.GetProperty("itemId").GetInt32() == itemId).Select(l => (long?)l.GetProperty("available").GetInt64()).SingleOrDefault();
    }

    private async Task<int> CatalogFigureAsync(int itemId) =>
        (await fixture.Catalog.GetFromJsonAsync<JsonElement>($"/api/catalog/items/{itemId}")).GetProperty("availableStock").GetInt32();

    private async Task<int> ListedFigureAsync(string query, int itemId) =>
        (await fixture.Catalog.GetFromJsonAsync<JsonElement>("/api/catalog/items?" + query)).GetProperty("data").EnumerateArray()
            .Single(i => i.GetProperty("id").GetInt32() == itemId).GetProperty("availableStock").GetInt32();

    private int CatalogLines(string text) => fixture.Shop.States.LogOf("catalog-api").Count(l => l.Contains(text, StringComparison.Ordinal));

    [Fact]
    public async Task The_catalog_shows_the_stock_ordering_reports_and_keeps_it_while_ordering_is_away()
    {
        var admin = await fixture.SignInAsync("admin", ShopAppFixture.AdminPassword);
        var shopper = await fixture.SignInAsync("alice", ShopAppFixture.ShopperPassword);
        var itemBody = new { name = "Zz Ordering Counted Mug", description = "Sold through checkout by the tests.", price = 8.5m, categoryId = 4, availableStock = 5 };
        int itemId;
        using (var created = await fixture.Catalog.SendAsync(ShopAppFixture.Authorized(HttpMethod.Post, "/api/admin/catalog/items", admin, itemBody)))
        {
            Assert.True(created.StatusCode == HttpStatusCode.Created, $"create item: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
            itemId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        }
        await Eventually.TrueAsync(async () => await OrderingFigureAsync(itemId) == 5, "ordering-api sells the new item's 5 units");

        using var checkout = ShopAppFixture.Authorized(HttpMethod.Post, "/api/orders", shopper, new { items = new[] { new { itemId, quantity = 2 } } });
        checkout.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        using (var accepted = await fixture.Ordering.SendAsync(checkout))
        {
            Assert.True(accepted.StatusCode == HttpStatusCode.Accepted, $"checkout: {(int)accepted.StatusCode} {await accepted.Content.ReadAsStringAsync()}");
        }
        Assert.Equal(3, await OrderingFigureAsync(itemId));

        // Ordering's figure, in details and lists, while catalogdb keeps the stock the admin set.
        await Eventually.TrueAsync(async () => await CatalogFigureAsync(itemId) == 3,
            "the catalog shows Ordering's 3 (does the AppHost give catalog-api a reference to ordering-api?)", TimeSpan.FromSeconds(10));
        Assert.Equal(3, await ListedFigureAsync("name=" + Uri.EscapeDataString("Counted Mug") + "&pageSize=100", itemId));
        await using (var stored = fixture.CatalogDb.CreateCommand("SELECT available_stock FROM catalog_items WHERE id = $1"))
        {
            stored.Parameters.Add(new NpgsqlParameter { Value = itemId });
            Assert.Equal(5, (int)(await stored.ExecuteScalarAsync())!);
        }

        var instances = fixture.Shop.Instances("ordering-api");
        var warningsBefore = CatalogLines(UnreachableWarning);
        var recoveriesBefore = CatalogLines(RecoveredLine);
        try
        {
            await fixture.Shop.KillAsync("ordering-api");
            // Several refresh rounds without Ordering: reads still answer, with the last figure, and one warning.
            await Task.Delay(TimeSpan.FromSeconds(4));
            Assert.Equal(3, await CatalogFigureAsync(itemId));
            Assert.Equal(3, await ListedFigureAsync("categoryId=4&pageSize=100", itemId));
            await Eventually.TrueAsync(() => Task.FromResult(CatalogLines(UnreachableWarning) == warningsBefore + 1), "catalog-api warns of the outage");
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
        await Eventually.TrueAsync(() => Task.FromResult(CatalogLines(RecoveredLine) == recoveriesBefore + 1), "catalog-api reads Ordering's figures again");
        Assert.Equal(3, await CatalogFigureAsync(itemId));

        // The admin restocks: "from now on, 7 can be sold" travels outbox → RabbitMQ → worker → gate, and comes
        // back as the catalog's figure; the 2 units sold stay sold.
        using (var restocked = await fixture.Catalog.SendAsync(ShopAppFixture.Authorized(HttpMethod.Put, $"/api/admin/catalog/items/{itemId}", admin, itemBody with { availableStock = 7 })))
        {
            Assert.True(restocked.IsSuccessStatusCode, $"restock: {(int)restocked.StatusCode} {await restocked.Content.ReadAsStringAsync()}");
        }
        await Eventually.TrueAsync(async () => await OrderingFigureAsync(itemId) == 7, "the gate sells the admin's new 7");
        await Eventually.TrueAsync(async () => await CatalogFigureAsync(itemId) == 7, "the catalog shows Ordering's 7", TimeSpan.FromSeconds(10));
    }
}
