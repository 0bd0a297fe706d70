using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting.Testing;
using Npgsql;
using Shop.ServiceDefaults.Identity;
using Shop.Testing;

namespace Shop.IntegrationTests;

/// <summary>
/// The catalog shows the stock Ordering reports (docs/checkout.md): an item's availableStock follows Ordering's
/// <c>ItemStocksChanged</c> events as units are sold and restocked, while catalogdb keeps what the admin set. The
/// fixture sets the catalog's resync (its HTTP read of every figure) to an hour, so a figure that moves here moved by
/// an event; with ordering-api gone the catalog keeps answering, and the worker's events still reach it. Crosses
/// catalog-api, ordering-api and the worker (which arms the item's stock from the catalog's announcement and
/// publishes the figures).
/// </summary>
[Collection(ShopAppCollection.Name)]
public sealed class OrderingStockTests(ShopAppFixture fixture)
{
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

    [Fact]
    public async Task A_stock_changed_event_reaches_the_catalog_after_a_sale_and_a_restock_even_with_ordering_api_away()
    {
        var admin = await fixture.SignInAsync("admin", ShopAppFixture.AdminPassword, ShopAudiences.CatalogApi);
        var shopper = await fixture.SignInAsync("alice", ShopAppFixture.ShopperPassword, ShopAudiences.OrderingApi);
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

        // Ordering's figure, in details and lists, while catalogdb keeps the stock the admin set: the worker persisted the
        // checkout, noted the item as changed, and published its figure (about once a second) to catalog-api's queue.
        await Eventually.TrueAsync(async () => await CatalogFigureAsync(itemId) == 3,
            "the catalog shows Ordering's 3 (an ItemStocksChanged reached it)", TimeSpan.FromSeconds(10));
        Assert.Equal(3, await ListedFigureAsync("name=" + Uri.EscapeDataString("Counted Mug") + "&pageSize=100", itemId));
        await using (var stored = fixture.CatalogDb.CreateCommand("SELECT available_stock FROM catalog_items WHERE id = $1"))
        {
            stored.Parameters.Add(new NpgsqlParameter { Value = itemId });
            Assert.Equal(5, (int)(await stored.ExecuteScalarAsync())!);
        }

        // The admin restocks while ordering-api is away: "from now on, 7 can be sold" travels outbox → RabbitMQ → worker
        // → gate, and comes back as an event (the catalog cannot read ordering-api now); the 2 units sold stay sold.
        var instances = fixture.Shop.Instances("ordering-api");
        try
        {
            await fixture.Shop.KillAsync("ordering-api");
            Assert.Equal(3, await CatalogFigureAsync(itemId));
            using (var restocked = await fixture.Catalog.SendAsync(ShopAppFixture.Authorized(HttpMethod.Put, $"/api/admin/catalog/items/{itemId}", admin, itemBody with { availableStock = 7 })))
            {
                Assert.True(restocked.IsSuccessStatusCode, $"restock: {(int)restocked.StatusCode} {await restocked.Content.ReadAsStringAsync()}");
            }
            await Eventually.TrueAsync(async () => await CatalogFigureAsync(itemId) == 7, "the catalog shows Ordering's 7", TimeSpan.FromSeconds(15));
            Assert.Equal(7, await ListedFigureAsync("categoryId=4&pageSize=100", itemId));
        }
        finally
        {
            foreach (var instance in instances)
            {
                await fixture.Shop.StartAgainAsync(instance, TimeSpan.FromMinutes(2));
            }
        }
        Assert.Equal(7, await OrderingFigureAsync(itemId));
    }
}
