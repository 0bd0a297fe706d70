using System.Net;
using StackExchange.Redis;

namespace Shop.Catalog.Tests;

/// <summary>
/// When Redis is down the catalog reads from the database and still takes admin changes; never a 500. The cache is
/// killed under the collection's shared app and started again (empty, as a cache may be) before the test ends; the
/// other tests read through the cache whatever it holds.
/// </summary>
[Collection(CatalogCollection.Name)]
public sealed class RedisOutageTests(CatalogAppFixture fixture)
{
    private async Task<CacheStatsDto> StatsAsync()
    {
        using var response = await fixture.SendAsync(HttpMethod.Get, "/api/admin/catalog/cache-stats", fixture.AdminToken);
        return await Http.ReadAsync<CacheStatsDto>(response);
    }

    [Fact]
    public async Task Reads_and_writes_work_without_redis_and_the_cache_comes_back_with_it()
    {
        var itemId = await fixture.ScalarAsync<int>("SELECT id FROM catalog_items ORDER BY id OFFSET 20 LIMIT 1");
        var original = await fixture.Client.GetAsync<ItemDto>($"/api/catalog/items/{itemId}");

        await fixture.Shop.KillAsync("cache");
        try
        {
            var before = await StatsAsync();

            // Keys nobody read yet: they must come from the database, through the (failing) Redis layer.
            var page = await fixture.Client.GetAsync<ItemsPageDto>("/api/catalog/items?pageIndex=2&pageSize=9&name=a");
            Assert.NotEmpty(page.Data);
            Assert.NotEmpty(await fixture.Client.GetAsync<List<CategoryDto>>("/api/catalog/categories"));
            Assert.NotEmpty(await fixture.Client.GetAsync<List<SaleDto>>("/api/flash-sales"));
            var other = await fixture.ScalarAsync<int>("SELECT id FROM catalog_items ORDER BY id OFFSET 21 LIMIT 1");
            Assert.Equal(other, (await fixture.Client.GetAsync<ItemDto>($"/api/catalog/items/{other}")).Id);

            // An admin change is committed and visible on the next read although Redis cannot be told.
            using var update = await fixture.AdminSendAsync(HttpMethod.Put, $"/api/admin/catalog/items/{itemId}",
                new { name = original.Name + " (No Redis)", description = original.Description, price = original.Price, categoryId = original.CategoryId, availableStock = 1 });
            Assert.Equal(HttpStatusCode.OK, update.StatusCode);
            Assert.Equal(original.Name + " (No Redis)", (await fixture.Client.GetAsync<ItemDto>($"/api/catalog/items/{itemId}")).Name);

            var during = await StatsAsync();
            Assert.True(during.RedisErrors > before.RedisErrors, "the Redis failures are counted");
            Assert.True(during.Loads >= before.Loads + 4, "the reads were loaded from the database");
        }
        finally
        {
            // Aspire does not bring a killed process back: restart it (empty, as it has no data volume) and wait
            // until it is healthy.
            await fixture.Shop.RestartAsync("cache");
        }

        // Back: the invalidation that could not reach Redis is stored there by FusionCache's auto-recovery (the read
        // models' tag, in FusionCache's key layout: wire format "v2", the catalog's prefix, its tag prefix), and
        // values are cached in Redis again. KEYS is an admin command to StackExchange.Redis.
        var redisOptions = ConfigurationOptions.Parse(await fixture.ConnectionStringAsync("cache"));
        redisOptions.AllowAdmin = true;
        using var redis = await ConnectionMultiplexer.ConnectAsync(redisOptions);
        await Eventually.TrueAsync(async () => await redis.GetDatabase().KeyExistsAsync("v2:catalog:v1:__fc:t:read-models"), "the pending invalidation reached Redis", TimeSpan.FromSeconds(30));
        await Eventually.TrueAsync(async () =>
        {
            await fixture.Client.GetAsync<ItemsPageDto>($"/api/catalog/items?name={Guid.NewGuid():N}");
            var keys = await redis.GetDatabase().ExecuteAsync("KEYS", "v2:catalog:v1:items:*");
            return ((RedisResult[])keys!).Length > 0;
        }, "values are written to Redis again", TimeSpan.FromSeconds(30));
        Assert.Equal(original.Name + " (No Redis)", (await fixture.Client.GetAsync<ItemDto>($"/api/catalog/items/{itemId}")).Name);
    }
}
