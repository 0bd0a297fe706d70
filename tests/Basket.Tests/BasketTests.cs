using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Shop.ServiceDefaults.Identity;

namespace Shop.Basket.Tests;

/// <summary>The buyer's own basket, against the real basket-api, catalog-api and Redis.</summary>
[Collection(BasketCollection.Name)]
public sealed class BasketTests(BasketAppFixture fixture)
{
    [Fact]
    public async Task Lines_are_set_changed_removed_and_cleared_with_the_catalogs_names_and_prices()
    {
        var buyer = $"crud-{Guid.NewGuid():N}";
        var one = await fixture.CatalogItemAsync(1);
        var two = await fixture.CatalogItemAsync(2);

        using (var first = await fixture.SetAsync(buyer, 1, 2))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }
        Assert.Equal(HttpStatusCode.OK, (await fixture.SetAsync(buyer, 2, 1)).StatusCode);
        using var changed = await fixture.SetAsync(buyer, 1, 3);
        var basket = await changed.Content.ReadFromJsonAsync<JsonElement>();

        var lines = basket.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([1, 2], lines.Select(l => l.GetProperty("itemId").GetInt32()));
        Assert.Equal(one.GetProperty("name").GetString(), lines[0].GetProperty("name").GetString());
        Assert.Equal(one.GetProperty("price").GetDecimal(), lines[0].GetProperty("unitPrice").GetDecimal());
        Assert.Equal(3, lines[0].GetProperty("quantity").GetInt32());
        Assert.Equal(3 * one.GetProperty("price").GetDecimal(), lines[0].GetProperty("lineTotal").GetDecimal());
        Assert.Equal(4, basket.GetProperty("units").GetInt32());
        Assert.Equal(3 * one.GetProperty("price").GetDecimal() + two.GetProperty("price").GetDecimal(), basket.GetProperty("total").GetDecimal());
        Assert.Equal(basket.ToString(), (await fixture.GetBasketAsync(buyer)).ToString());

        using var removed = await fixture.SendAsync(HttpMethod.Delete, "/api/basket/items/2", fixture.Token(buyer));
        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        Assert.Equal([1], (await fixture.GetBasketAsync(buyer)).GetProperty("items").EnumerateArray().Select(l => l.GetProperty("itemId").GetInt32()));

        using var cleared = await fixture.SendAsync(HttpMethod.Delete, "/api/basket", fixture.Token(buyer));
        Assert.Equal(HttpStatusCode.NoContent, cleared.StatusCode);
        var empty = await fixture.GetBasketAsync(buyer);
        Assert.Empty(empty.GetProperty("items").EnumerateArray());
        Assert.Equal(0m, empty.GetProperty("total").GetDecimal());
    }

    [Fact]
    public async Task A_buyer_sees_and_changes_only_their_own_basket()
    {
        var alice = $"alice-{Guid.NewGuid():N}";
        var bob = $"bob-{Guid.NewGuid():N}";
        Assert.Equal(HttpStatusCode.OK, (await fixture.SetAsync(alice, 3, 2)).StatusCode);
        var alicesBasket = (await fixture.GetBasketAsync(alice)).ToString();

        Assert.Empty((await fixture.GetBasketAsync(bob)).GetProperty("items").EnumerateArray());
        using var bobRemoves = await fixture.SendAsync(HttpMethod.Delete, "/api/basket/items/3", fixture.Token(bob));
        Assert.Equal(HttpStatusCode.NotFound, bobRemoves.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await fixture.SendAsync(HttpMethod.Delete, "/api/basket", fixture.Token(bob))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await fixture.SetAsync(bob, 3, 5)).StatusCode);

        Assert.Equal(alicesBasket, (await fixture.GetBasketAsync(alice)).ToString());
    }

    [Fact]
    public async Task A_basket_is_kept_for_days_after_its_last_change()
    {
        var buyer = $"keeper-{Guid.NewGuid():N}";
        Assert.Equal(HttpStatusCode.OK, (await fixture.SetAsync(buyer, 1, 1)).StatusCode);
        var redis = await fixture.RedisAsync();
        var ttl = await redis.KeyTimeToLiveAsync($"basket:{buyer}");
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromDays(29), TimeSpan.FromDays(30));
    }

    [Fact]
    public async Task A_full_basket_takes_no_new_line_even_when_adds_race_but_its_lines_still_change()
    {
        const int MaxLines = 20;
        var buyer = $"full-{Guid.NewGuid():N}";
        for (var item = 1; item < MaxLines; item++)
        {
            Assert.Equal(HttpStatusCode.OK, (await fixture.SetAsync(buyer, item, 1)).StatusCode);
        }
        // One free line, five concurrent adds of different items: exactly one gets it.
        var racing = await Task.WhenAll(Enumerable.Range(MaxLines, 5).Select(item => fixture.SetAsync(buyer, item, 1)));
        Assert.Equal(1, racing.Count(r => r.StatusCode == HttpStatusCode.OK));
        foreach (var refused in racing.Where(r => r.StatusCode != HttpStatusCode.OK))
        {
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            await Problems.AssertAsync(refused, "urn:shop:problem:basket-full", "at most 20");
        }
        Assert.Equal(MaxLines, (await fixture.GetBasketAsync(buyer)).GetProperty("items").GetArrayLength());
        Assert.Equal(HttpStatusCode.OK, (await fixture.SetAsync(buyer, 1, 4)).StatusCode);
    }

    [Fact]
    public async Task An_item_deleted_from_the_catalog_is_refused_and_shown_as_unavailable()
    {
        var admin = fixture.Token("admin-1", ShopRoles.Admin);
        using var create = new HttpRequestMessage(HttpMethod.Post, "/api/admin/catalog/items")
        {
            Content = JsonContent.Create(new { name = $"Short-lived {Guid.NewGuid():N}"[..30], description = "Gone soon", price = 12.5m, categoryId = 1, availableStock = 5 }),
        };
        create.Headers.Authorization = new("Bearer", admin);
        using var created = await fixture.Catalog.SendAsync(create);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var itemId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        var buyer = $"unlucky-{Guid.NewGuid():N}";
        Assert.Equal(HttpStatusCode.OK, (await fixture.SetAsync(buyer, 1, 1)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await fixture.SetAsync(buyer, itemId, 2)).StatusCode);

        using var delete = new HttpRequestMessage(HttpMethod.Delete, $"/api/admin/catalog/items/{itemId}");
        delete.Headers.Authorization = new("Bearer", admin);
        Assert.Equal(HttpStatusCode.NoContent, (await fixture.Catalog.SendAsync(delete)).StatusCode);

        using var again = await fixture.SetAsync(buyer, itemId, 3);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        await Problems.AssertAsync(again, "urn:shop:problem:item-not-found", $"no item {itemId}");
        var basket = await fixture.GetBasketAsync(buyer);
        var gone = basket.GetProperty("items").EnumerateArray().Single(l => l.GetProperty("itemId").GetInt32() == itemId);
        Assert.False(gone.GetProperty("available").GetBoolean());
        Assert.Equal(2, gone.GetProperty("quantity").GetInt32());
        Assert.Equal((await fixture.CatalogItemAsync(1)).GetProperty("price").GetDecimal(), basket.GetProperty("total").GetDecimal());
    }

    [Fact]
    public async Task The_openapi_document_describes_the_basket()
    {
        var document = await fixture.Basket.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        Assert.Equal("Shop Basket API", document.GetProperty("info").GetProperty("title").GetString());
        var paths = document.GetProperty("paths");
        Assert.True(paths.GetProperty("/api/basket").TryGetProperty("get", out _));
        Assert.True(paths.GetProperty("/api/basket").TryGetProperty("delete", out _));
        Assert.True(paths.GetProperty("/api/basket/items/{itemId}").TryGetProperty("put", out var put));
        Assert.True(paths.GetProperty("/api/basket/items/{itemId}").TryGetProperty("delete", out _));
        Assert.True(put.TryGetProperty("security", out _));
        Assert.True(put.GetProperty("responses").TryGetProperty("409", out _));
    }
}
