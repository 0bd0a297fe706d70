using System.Net;

namespace Shop.Catalog.Tests;

/// <summary>
/// Item administration, and that every change is visible on the very next read (the cache is invalidated); the
/// stock, which the read API takes from Ordering once Ordering knows the item, a moment later.
/// </summary>
[Collection(CatalogCollection.Name)]
public sealed class AdminCatalogTests(CatalogAppFixture fixture)
{
    private async Task<ItemDto> CreateItemAsync(string name, decimal price = 19.99m)
    {
        using var response = await fixture.AdminSendAsync(HttpMethod.Post, "/api/admin/catalog/items",
            new { name, description = "Made for the tests.", price, categoryId = 2, availableStock = 7 });
        var item = await Http.ReadAsync<ItemDto>(response, HttpStatusCode.Created);
        Assert.Equal($"/api/catalog/items/{item.Id}", response.Headers.Location?.OriginalString);
        return item;
    }

    [Fact]
    public async Task A_created_item_is_stored_and_listed_on_the_next_read()
    {
        var name = $"Zz Test Lantern {Guid.NewGuid():N}"[..40];
        // Warm the cache of the pages that will change.
        var before = await fixture.Client.GetAsync<ItemsPageDto>("/api/catalog/items?categoryId=2&pageSize=100");

        var item = await CreateItemAsync(name);

        Assert.Equal(name, await fixture.ScalarAsync<string>("SELECT name FROM catalog_items WHERE id = $1", item.Id));
        var after = await fixture.Client.GetAsync<ItemsPageDto>("/api/catalog/items?categoryId=2&pageSize=100");
        Assert.Equal(before.Count + 1, after.Count);
        Assert.Contains(after.Data, i => i.Id == item.Id && i.Name == name);
        Assert.Equal(item, await fixture.Client.GetAsync<ItemDto>($"/api/catalog/items/{item.Id}"));
    }

    [Fact]
    public async Task An_update_is_visible_on_the_next_read_of_details_list_search_and_sale_pages()
    {
        var id = await fixture.ScalarAsync<int>("SELECT id FROM catalog_items WHERE category_id = 5 ORDER BY id LIMIT 1");
        var original = await fixture.Client.GetAsync<ItemDto>($"/api/catalog/items/{id}"); // now cached
        await fixture.Client.GetAsync<ItemsPageDto>("/api/catalog/items?categoryId=5&pageSize=100");
        await fixture.Client.GetAsync<ItemsPageDto>("/api/catalog/items?name=renamed");

        using var response = await fixture.AdminSendAsync(HttpMethod.Put, $"/api/admin/catalog/items/{id}",
            new { name = original.Name + " (Renamed)", description = "New text.", price = original.Price + 1, categoryId = 5, availableStock = 3 });
        var updated = await Http.ReadAsync<ItemDto>(response);

        var details = await fixture.Client.GetAsync<ItemDto>($"/api/catalog/items/{id}");
        Assert.Equal(original.Name + " (Renamed)", details.Name);
        Assert.Equal(original.Price + 1, details.Price);
        Assert.Equal("New text.", details.Description);
        Assert.NotEqual(original.PictureUrl, details.PictureUrl);
        Assert.Equal(3, updated.AvailableStock); // the answer shows the stock as the admin set it
        Assert.Equal(updated with { AvailableStock = details.AvailableStock }, details);
        // The read API shows the stock Ordering reports once Ordering knows the item; Ordering applies the new stock a
        // moment after the announcement (docs/checkout.md), and nothing sells this item here: it becomes 3.
        await Eventually.TrueAsync(
            async () => (await fixture.Client.GetAsync<ItemDto>($"/api/catalog/items/{id}")).AvailableStock == 3,
            "the item's stock shows the 3 units the admin set", TimeSpan.FromSeconds(30));
        var list = await fixture.Client.GetAsync<ItemsPageDto>("/api/catalog/items?categoryId=5&pageSize=100");
        Assert.Contains(list.Data, i => i.Id == id && i.Name.EndsWith("(Renamed)", StringComparison.Ordinal));
        var search = await fixture.Client.GetAsync<ItemsPageDto>("/api/catalog/items?name=renamed");
        Assert.Contains(search.Data, i => i.Id == id);
        Assert.Equal(original.Name + " (Renamed)", await fixture.ScalarAsync<string>("SELECT name FROM catalog_items WHERE id = $1", id));
    }

    [Fact]
    public async Task A_deleted_item_is_gone_on_the_next_read()
    {
        var item = await CreateItemAsync("Zz Test Doomed Kettle");
        await fixture.Client.GetAsync<ItemDto>($"/api/catalog/items/{item.Id}"); // cached

        using var deleted = await fixture.AdminSendAsync(HttpMethod.Delete, $"/api/admin/catalog/items/{item.Id}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        using var read = await fixture.Client.GetAsync($"/api/catalog/items/{item.Id}");
        await Http.ReadProblemAsync(read, HttpStatusCode.NotFound);
        Assert.Equal(0L, await fixture.ScalarAsync<long>("SELECT count(*) FROM catalog_items WHERE id = $1", item.Id));
        using var again = await fixture.AdminSendAsync(HttpMethod.Delete, $"/api/admin/catalog/items/{item.Id}");
        await Http.ReadProblemAsync(again, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_item_with_a_sale_cannot_be_deleted()
    {
        var itemId = await fixture.ScalarAsync<int>("SELECT item_id FROM flash_sales WHERE state = 'Scheduled' LIMIT 1");
        var before = await fixture.FingerprintAsync();

        using var response = await fixture.AdminSendAsync(HttpMethod.Delete, $"/api/admin/catalog/items/{itemId}");

        await Http.ReadProblemAsync(response, HttpStatusCode.Conflict);
        Assert.Equal(before, await fixture.FingerprintAsync());
        await fixture.Client.GetAsync<ItemDto>($"/api/catalog/items/{itemId}");
    }
}
