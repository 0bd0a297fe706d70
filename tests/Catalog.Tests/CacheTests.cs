using System.Net;

namespace Shop.Catalog.Tests;

/// <summary>One loader per hot key: a stampede of reads on a cold key costs one database query.</summary>
[Collection(CatalogCollection.Name)]
public sealed class CacheTests(CatalogAppFixture fixture)
{
    private async Task<CacheStatsDto> StatsAsync()
    {
        using var response = await fixture.SendAsync(HttpMethod.Get, "/api/admin/catalog/cache-stats", fixture.AdminToken);
        return await Http.ReadAsync<CacheStatsDto>(response);
    }

    private async Task<string[]> StampedeAsync(string uri, int readers)
    {
        // All readers are sent at once, on separate connections.
        using var start = new ManualResetEventSlim();
        var reads = Enumerable.Range(0, readers).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            using var response = await fixture.Client.GetAsync(uri);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await response.Content.ReadAsStringAsync();
        })).ToList();
        start.Set();
        return await Task.WhenAll(reads);
    }

    [Fact]
    public async Task Two_hundred_concurrent_reads_of_an_uncached_item_query_the_database_once()
    {
        // A brand-new item: nobody has read it, so it is in neither cache level.
        using var created = await fixture.AdminSendAsync(HttpMethod.Post, "/api/admin/catalog/items",
            new { name = "Zz Stampede Umbrella", description = "Read by many at once.", price = 9.99m, categoryId = 4, availableStock = 1 });
        var item = await Http.ReadAsync<ItemDto>(created, HttpStatusCode.Created);
        var before = await StatsAsync();

        var bodies = await StampedeAsync($"/api/catalog/items/{item.Id}", 200);

        var after = await StatsAsync();
        Assert.Equal(1, after.Loads - before.Loads);
        Assert.Single(bodies.Distinct());
        Assert.Contains("Zz Stampede Umbrella", bodies[0]);
        // Every read was counted once: answered from memory, or a miss that joined (or started) the one load.
        Assert.Equal(200, (after.MemoryHits - before.MemoryHits) + (after.Misses - before.Misses));
        Assert.Equal(after.Misses - before.Misses - 1, (after.Coalesced - before.Coalesced) + (after.RedisHits - before.RedisHits));
    }

    [Fact]
    public async Task Concurrent_reads_of_an_uncached_search_page_query_the_database_once()
    {
        var uri = $"/api/catalog/items?name={Guid.NewGuid():N}&pageSize=7";
        var before = await StatsAsync();

        var bodies = await StampedeAsync(uri, 100);

        Assert.Equal(1, (await StatsAsync()).Loads - before.Loads);
        Assert.Single(bodies.Distinct());
    }

    [Fact]
    public async Task A_repeated_read_is_answered_by_the_cache()
    {
        var id = await fixture.ScalarAsync<int>("SELECT id FROM catalog_items ORDER BY id OFFSET 11 LIMIT 1");
        await fixture.Client.GetAsync<ItemDto>($"/api/catalog/items/{id}");
        var before = await StatsAsync();

        for (var i = 0; i < 20; i++)
        {
            await fixture.Client.GetAsync<ItemDto>($"/api/catalog/items/{id}");
        }

        var after = await StatsAsync();
        Assert.Equal(0, after.Loads - before.Loads);
        Assert.Equal(20, after.Hits - before.Hits);
    }
}
