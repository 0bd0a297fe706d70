using System.Net;
using Shop.IntegrationEvents;

namespace Shop.Catalog.Tests;

/// <summary>
/// Every item change is announced (CatalogItemChanged, docs/checkout.md): one outbox row per change, saved with it,
/// with the right version, stock version, stock and deleted flag, published to shop.events.
/// </summary>
[Collection(CatalogCollection.Name)]
public sealed class ItemAnnouncementTests(CatalogAppFixture fixture)
{
    private async Task<ItemDto> CreateItemAsync(string name, decimal price, int stock)
    {
        using var response = await fixture.AdminSendAsync(HttpMethod.Post, "/api/admin/catalog/items",
            new { name, description = "Announced by the tests.", price, categoryId = 6, availableStock = stock });
        return await Http.ReadAsync<ItemDto>(response, HttpStatusCode.Created);
    }

    private async Task PutAsync(ItemDto item, decimal price, int stock, string? name = null)
    {
        using var response = await fixture.AdminSendAsync(HttpMethod.Put, $"/api/admin/catalog/items/{item.Id}",
            new { name = name ?? item.Name, description = item.Description, price, categoryId = item.CategoryId, availableStock = stock });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<(long Version, long StockVersion)> StoredVersionsAsync(int id) =>
        (await fixture.ScalarAsync<long>("SELECT version FROM catalog_items WHERE id = $1", id),
         await fixture.ScalarAsync<long>("SELECT stock_version FROM catalog_items WHERE id = $1", id));

    private static void AssertAnnounced(ItemOutbox.Row row, ItemDto item, decimal price, int stock, long version, long stockVersion, bool deleted)
    {
        var e = row.Event;
        Assert.Equal(row.Id, e.EventId);
        Assert.Equal(item.Id, e.ItemId);
        Assert.Equal(item.Name, e.Name);
        Assert.Equal(price, e.Price);
        Assert.Equal(stock, e.Stock);
        Assert.Equal(version, e.Version);
        Assert.Equal(stockVersion, e.StockVersion);
        Assert.Equal(deleted, e.Deleted);
    }

    [Fact]
    public async Task Create_updates_and_delete_each_write_one_announcement_that_is_published()
    {
        await using var announcements = await Announcements.ListenForItemsAsync(await fixture.ConnectionStringAsync("messaging"));

        var item = await CreateItemAsync($"Zz Announced Tent {Guid.NewGuid():N}"[..30], 49.5m, stock: 7);
        var rows = await fixture.RowsAsync(item.Id);
        AssertAnnounced(Assert.Single(rows), item, 49.5m, 7, version: 1, stockVersion: 1, deleted: false);
        Assert.Equal((1L, 1L), await StoredVersionsAsync(item.Id));

        await PutAsync(item, 52m, stock: 7); // the price only: the stock version stays
        rows = await fixture.RowsAsync(item.Id);
        Assert.Equal(2, rows.Count);
        AssertAnnounced(rows[1], item, 52m, 7, version: 2, stockVersion: 1, deleted: false);
        Assert.Equal((2L, 1L), await StoredVersionsAsync(item.Id));

        await PutAsync(item, 52m, stock: 3); // the stock: a new stock version
        rows = await fixture.RowsAsync(item.Id);
        Assert.Equal(3, rows.Count);
        AssertAnnounced(rows[2], item, 52m, 3, version: 3, stockVersion: 3, deleted: false);
        Assert.Equal((3L, 3L), await StoredVersionsAsync(item.Id));

        await PutAsync(item, 52m, stock: 3); // the same again: still announced, nothing reset
        rows = await fixture.RowsAsync(item.Id);
        Assert.Equal(4, rows.Count);
        AssertAnnounced(rows[3], item, 52m, 3, version: 4, stockVersion: 3, deleted: false);

        using (var deleted = await fixture.AdminSendAsync(HttpMethod.Delete, $"/api/admin/catalog/items/{item.Id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }
        rows = await fixture.RowsAsync(item.Id);
        Assert.Equal(5, rows.Count);
        AssertAnnounced(rows[4], item, 52m, 3, version: 5, stockVersion: 3, deleted: true);

        // All five reach a subscriber of catalog.item.changed, as persistent JSON messages named by their event id.
        var received = new Dictionary<long, Announcement<CatalogItemChanged>>();
        while (received.Count < 5)
        {
            var next = await announcements.WaitForAsync(e => e.ItemId == item.Id);
            received[next.Event.Version] = next;
        }
        foreach (var row in rows)
        {
            var announced = received[row.Event.Version];
            Assert.Equal(row.Event, announced.Event);
            Assert.Equal(EventTopology.Exchange, announced.Exchange);
            Assert.Equal(EventTopology.CatalogItemChangedRoutingKey, announced.RoutingKey);
            Assert.Equal(row.Id.ToString(), announced.MessageId);
            Assert.Equal("CatalogItemChanged", announced.Type);
            Assert.Equal("application/json", announced.ContentType);
            Assert.True(announced.Persistent);
        }
        // The wire names, as docs/checkout.md gives them.
        var json = received[5].Json;
        Assert.Equal(item.Id, json.GetProperty("itemId").GetInt32());
        Assert.Equal(3, json.GetProperty("stock").GetInt32());
        Assert.Equal(3, json.GetProperty("stockVersion").GetInt64());
        Assert.True(json.GetProperty("deleted").GetBoolean());
        Assert.Equal(5, json.GetProperty("version").GetInt64());
        Assert.Equal(52m, json.GetProperty("price").GetDecimal());
        await Eventually.TrueAsync(async () => (await fixture.RowsAsync(item.Id)).All(r => r.SentAt is not null), "every row is marked sent");
    }

    [Fact]
    public async Task A_price_change_keeps_the_stock_version_and_a_stock_change_moves_it()
    {
        var item = await CreateItemAsync("Zz Repriced Lantern", 10m, stock: 20);

        await PutAsync(item, 12.5m, stock: 20, name: "Zz Repriced Lantern Deluxe");

        var last = (await fixture.RowsAsync(item.Id))[^1].Event;
        Assert.Equal((2L, 1L, 20, 12.5m, "Zz Repriced Lantern Deluxe"), (last.Version, last.StockVersion, last.Stock, last.Price, last.Name));

        await PutAsync(item, 12.5m, stock: 0);

        last = (await fixture.RowsAsync(item.Id))[^1].Event;
        Assert.Equal((3L, 3L, 0), (last.Version, last.StockVersion, last.Stock));
    }

    [Fact]
    public async Task Concurrent_updates_of_one_item_never_announce_one_version_twice()
    {
        var item = await CreateItemAsync("Zz Contested Stove", 30m, stock: 1);

        // The version is the item's concurrency token: of several PUTs at once some may lose (409), none is lost silently.
        var puts = Enumerable.Range(2, 8).Select(async stock =>
        {
            using var response = await fixture.AdminSendAsync(HttpMethod.Put, $"/api/admin/catalog/items/{item.Id}",
                new { name = item.Name, description = item.Description, price = 30m, categoryId = item.CategoryId, availableStock = stock });
            return response.StatusCode;
        });
        var statuses = await Task.WhenAll(puts);

        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.Conflict, $"unexpected {s}"));
        var won = statuses.Count(s => s == HttpStatusCode.OK);
        Assert.True(won >= 1);
        var rows = await fixture.RowsAsync(item.Id);
        Assert.Equal(Enumerable.Range(1, 1 + won).Select(v => (long)v), rows.Select(r => r.Event.Version));
        Assert.Equal(1 + won, await fixture.ScalarAsync<long>("SELECT version FROM catalog_items WHERE id = $1", item.Id));
        Assert.Equal(await fixture.ScalarAsync<int>("SELECT available_stock FROM catalog_items WHERE id = $1", item.Id), rows[^1].Event.Stock);
    }

    [Fact]
    public async Task Every_seeded_item_was_announced_once_at_version_1()
    {
        Assert.Equal(0L, await fixture.ScalarAsync<long>("SELECT count(*) FROM catalog_items WHERE version = 0"));
        // Seeded ids are 1..120 (a fresh database); other tests change some of them later, at versions above 1.
        var firsts = await fixture.ScalarAsync<long>("""
            SELECT count(DISTINCT (payload::jsonb ->> 'itemId')::int) FROM outbox_messages
            WHERE type = 'CatalogItemChanged' AND (payload::jsonb ->> 'version')::bigint = 1 AND (payload::jsonb ->> 'itemId')::int <= 120
              AND (payload::jsonb ->> 'stockVersion')::bigint = 1 AND NOT (payload::jsonb ->> 'deleted')::boolean
            """);
        var all = await fixture.ScalarAsync<long>("""
            SELECT count(*) FROM outbox_messages
            WHERE type = 'CatalogItemChanged' AND (payload::jsonb ->> 'version')::bigint = 1 AND (payload::jsonb ->> 'itemId')::int <= 120
            """);
        Assert.Equal(120L, firsts);
        Assert.Equal(120L, all);
        // An item no test has changed since is announced with the stock it has.
        Assert.Equal(0L, await fixture.ScalarAsync<long>("""
            SELECT count(*) FROM catalog_items i JOIN outbox_messages m
              ON m.type = 'CatalogItemChanged' AND (m.payload::jsonb ->> 'itemId')::int = i.id AND (m.payload::jsonb ->> 'version')::bigint = 1
            WHERE i.version = 1 AND ((m.payload::jsonb ->> 'stock')::int <> i.available_stock OR m.payload::jsonb ->> 'name' <> i.name)
            """));
    }
}
