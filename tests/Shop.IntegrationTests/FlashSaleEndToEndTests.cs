using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting.Testing;
using Shop.ServiceDefaults.Identity;

namespace Shop.IntegrationTests;

/// <summary>
/// The whole chain as people use it: an admin creates a sale in the catalog, Ordering arms it from the
/// announcement, a shopper who signed in buys and pays, and a cancelled sale stops selling.
/// </summary>
[Collection(ShopAppCollection.Name)]
public sealed class FlashSaleEndToEndTests(ShopAppFixture fixture)
{
    [Fact]
    public async Task A_sale_created_in_the_catalog_can_be_bought_paid_and_cancelled_through_ordering()
    {
        using var catalog = fixture.App.CreateHttpClient("catalog-api");
        using var ordering = fixture.App.CreateHttpClient("ordering-api");
        var admin = await fixture.SignInAsync("admin", ShopAppFixture.AdminPassword, ShopAudiences.CatalogApi);
        var alice = await fixture.SignInAsync("alice", ShopAppFixture.ShopperPassword, ShopAudiences.OrderingApi);
        var bob = await fixture.SignInAsync("bob", ShopAppFixture.ShopperPassword, ShopAudiences.OrderingApi);

        // An item with no sale of its own, so the new sale overlaps nothing.
        var items = await catalog.GetFromJsonAsync<JsonElement>("/api/catalog/items?pageIndex=0&pageSize=100");
        var onSale = (await catalog.GetFromJsonAsync<JsonElement>("/api/flash-sales")).EnumerateArray().Select(s => s.GetProperty("itemId").GetInt32()).ToHashSet();
        var item = items.GetProperty("data").EnumerateArray().First(i => !onSale.Contains(i.GetProperty("id").GetInt32()));
        var salePrice = Math.Round(item.GetProperty("price").GetDecimal() / 2, 2);

        using var create = ShopAppFixture.Authorized(HttpMethod.Post, "/api/admin/flash-sales", admin, new
        {
            itemId = item.GetProperty("id").GetInt32(), salePrice, quantity = 3, perBuyerLimit = 1,
            startsAt = DateTimeOffset.UtcNow.AddSeconds(-5), endsAt = DateTimeOffset.UtcNow.AddHours(1),
        });
        using var created = await catalog.SendAsync(create);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var saleId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        // Ordering arms the sale from the catalog's announcement.
        var stock = await EventuallyAsync(async () =>
        {
            using var response = await ordering.GetAsync($"/api/flash-sales/{saleId}/stock");
            return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : (JsonElement?)null;
        }, "the sale armed in ordering");
        Assert.Equal(3, stock.GetProperty("remaining").GetInt64());

        using var buy = ShopAppFixture.Authorized(HttpMethod.Post, $"/api/flash-sales/{saleId}/orders", alice, new { quantity = 1 });
        buy.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        using var bought = await ordering.SendAsync(buy);
        Assert.Equal(HttpStatusCode.Accepted, bought.StatusCode);
        var orderId = (await bought.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("orderId").GetGuid();
        var order = await EventuallyAsync(async () =>
        {
            using var get = ShopAppFixture.Authorized(HttpMethod.Get, $"/api/orders/{orderId}", alice);
            var current = await (await ordering.SendAsync(get)).Content.ReadFromJsonAsync<JsonElement>();
            return current.GetProperty("status").GetString() == "confirmed" ? current : (JsonElement?)null;
        }, "the order confirmed");
        Assert.Equal(salePrice, order.GetProperty("unitPrice").GetDecimal());
        using var pay = ShopAppFixture.Authorized(HttpMethod.Post, $"/api/orders/{orderId}/pay", alice);
        Assert.Equal("paid", (await (await ordering.SendAsync(pay)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());

        // Cancelled in the catalog: Ordering stops selling it.
        using var cancel = ShopAppFixture.Authorized(HttpMethod.Post, $"/api/admin/flash-sales/{saleId}/cancel", admin);
        Assert.Equal(HttpStatusCode.OK, (await catalog.SendAsync(cancel)).StatusCode);
        await EventuallyAsync(async () =>
        {
            var current = await ordering.GetFromJsonAsync<JsonElement>($"/api/flash-sales/{saleId}/stock");
            return current.GetProperty("status").GetString() == "Cancelled" ? current : (JsonElement?)null;
        }, "the cancellation reaching ordering");
        using var late = ShopAppFixture.Authorized(HttpMethod.Post, $"/api/flash-sales/{saleId}/orders", bob, new { quantity = 1 });
        late.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        using var refused = await ordering.SendAsync(late);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("urn:shop:problem:sale-cancelled", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
    }

    private static async Task<JsonElement> EventuallyAsync(Func<Task<JsonElement?>> attempt, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (await attempt() is { } value)
            {
                return value;
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"Not within 60 s: {what}");
    }
}
