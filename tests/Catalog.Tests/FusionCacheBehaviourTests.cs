using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Shop.Catalog.Api.Apis.Contracts;
using Shop.Catalog.Api.Caching;
using StackExchange.Redis;

namespace Shop.Catalog.Tests;

/// <summary>
/// The catalog's read cache as the app wires it (<see cref="CatalogCacheRegistration.AddCatalogCache"/>: FusionCache,
/// Redis through the app's own connection, the Redis backplane), each "replica" a host of its own, against a real
/// redis-server of the test's own. The loaders stand in for the database. Needs no composition, so it also shows
/// what the whole-app tests (CacheTests, RedisOutageTests) cannot: two replicas, and a Redis that stops answering
/// without dropping its connections.
/// </summary>
public sealed class FusionCacheBehaviourTests : IAsyncLifetime
{
    private LocalRedisServer _redis = null!;

    public async Task InitializeAsync() => _redis = await LocalRedisServer.StartAsync();

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task Two_hundred_concurrent_reads_of_a_cold_key_run_one_load()
    {
        await using var replica = await Replica.StartAsync(_redis);
        var loads = 0;
        // All readers are released at once (each on a thread-pool thread of its own, none of them blocked).
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reads = Enumerable.Range(0, 200).Select(_ => Task.Run(async () =>
        {
            await start.Task;
            return await replica.Cache.GetOrLoadAsync(CacheKeys.Item(7), async token =>
            {
                Interlocked.Increment(ref loads);
                await Task.Delay(300, token); // a query slow enough for every reader to arrive while it runs
                return Item(7, "Umbrella");
            }, CancellationToken.None);
        })).ToList();
        var before = replica.Stats;

        start.SetResult();
        var items = await Task.WhenAll(reads);

        var after = replica.Stats;
        Assert.Equal(1, loads);
        Assert.All(items, item => Assert.Equal(Item(7, "Umbrella"), item));
        Assert.Equal(1, after.Loads - before.Loads);
        // Every read counted once: from memory at once, or a miss that waited for the load (or ran it).
        Assert.Equal(200, (after.MemoryHits - before.MemoryHits) + (after.Misses - before.Misses));
        Assert.Equal(after.Misses - before.Misses - 1, (after.Coalesced - before.Coalesced) + (after.RedisHits - before.RedisHits));
        Assert.True(after.Coalesced - before.Coalesced > 0, "readers that arrived during the load waited for it");
    }

    [Fact]
    public async Task A_repeated_read_is_answered_from_memory()
    {
        await using var replica = await Replica.StartAsync(_redis);
        await replica.Cache.GetOrLoadAsync(CacheKeys.Categories, _ => Task.FromResult(Categories("Shoes")), CancellationToken.None);
        var before = replica.Stats;

        for (var i = 0; i < 20; i++)
        {
            await replica.Cache.GetOrLoadAsync(CacheKeys.Categories, _ => Task.FromResult(Categories("never loaded")), CancellationToken.None);
        }

        var after = replica.Stats;
        Assert.Equal(0, after.Loads - before.Loads);
        Assert.Equal(20, after.MemoryHits - before.MemoryHits);
        Assert.Equal(0, after.Misses - before.Misses);
    }

    [Fact]
    public async Task Another_replica_reads_every_read_model_from_redis()
    {
        await using var first = await Replica.StartAsync(_redis);
        await using var second = await Replica.StartAsync(_redis);
        var sale = new FlashSaleResponse(Guid.NewGuid(), 7, "Umbrella", "/p/7.svg", 20m, 12.5m, 100, 2,
            DateTimeOffset.UtcNow.AddHours(1), DateTimeOffset.UtcNow.AddHours(2), FlashSalePhase.Upcoming, 3);
        var page = new CatalogItemsPage(0, 10, 1, [Item(7, "Umbrella")]);
        // Each read model in its FusionCache envelope must round-trip through CatalogCacheJsonContext.
        await first.Cache.GetOrLoadAsync(CacheKeys.ItemsPage(0, 10, null, null), _ => Task.FromResult(page), CancellationToken.None);
        await first.Cache.GetOrLoadAsync(CacheKeys.Item(7), _ => Task.FromResult<CatalogItemResponse?>(Item(7, "Umbrella")), CancellationToken.None);
        await first.Cache.GetOrLoadAsync(CacheKeys.Item(8), _ => Task.FromResult<CatalogItemResponse?>(null), CancellationToken.None);
        await first.Cache.GetOrLoadAsync(CacheKeys.Categories, _ => Task.FromResult(Categories("Shoes")), CancellationToken.None);
        await first.Cache.GetOrLoadAsync(CacheKeys.CurrentSales, _ => Task.FromResult(new List<FlashSaleResponse> { sale }), CancellationToken.None);
        await first.Cache.GetOrLoadAsync(CacheKeys.Sale(sale.Id), _ => Task.FromResult<FlashSaleResponse?>(sale), CancellationToken.None);

        static Task<T> NotLoaded<T>(CancellationToken _) => throw new Xunit.Sdk.XunitException("the second replica loaded a value that Redis has");
        var secondPage = await second.Cache.GetOrLoadAsync(CacheKeys.ItemsPage(0, 10, null, null), NotLoaded<CatalogItemsPage>, CancellationToken.None);
        Assert.Equal(page.Data, secondPage.Data);
        Assert.Equal(page with { Data = secondPage.Data }, secondPage);
        Assert.Equal(Item(7, "Umbrella"), await second.Cache.GetOrLoadAsync(CacheKeys.Item(7), NotLoaded<CatalogItemResponse?>, CancellationToken.None));
        Assert.Null(await second.Cache.GetOrLoadAsync(CacheKeys.Item(8), NotLoaded<CatalogItemResponse?>, CancellationToken.None));
        Assert.Equal(Categories("Shoes"), await second.Cache.GetOrLoadAsync(CacheKeys.Categories, NotLoaded<List<CategoryResponse>>, CancellationToken.None));
        Assert.Equal(new List<FlashSaleResponse> { sale }, await second.Cache.GetOrLoadAsync(CacheKeys.CurrentSales, NotLoaded<List<FlashSaleResponse>>, CancellationToken.None));
        Assert.Equal(sale, await second.Cache.GetOrLoadAsync(CacheKeys.Sale(sale.Id), NotLoaded<FlashSaleResponse?>, CancellationToken.None));
        Assert.Equal(6, second.Stats.RedisHits);
        Assert.Equal(0, second.Stats.Loads);
    }

    [Fact]
    public async Task An_invalidation_on_one_replica_reaches_the_memory_of_the_other()
    {
        // Values live in memory for minutes here: only the backplane can make the second replica drop its copy.
        await using var writer = await Replica.StartAsync(_redis, memoryTtl: TimeSpan.FromMinutes(5));
        await using var reader = await Replica.StartAsync(_redis, memoryTtl: TimeSpan.FromMinutes(5));
        var name = "Shoes";
        Task<List<CategoryResponse>> Load(CancellationToken _) => Task.FromResult(Categories(Volatile.Read(ref name)));
        await writer.Cache.GetOrLoadAsync(CacheKeys.Categories, Load, CancellationToken.None);
        Assert.Equal(Categories("Shoes"), await reader.Cache.GetOrLoadAsync(CacheKeys.Categories, Load, CancellationToken.None));

        // The writer changes the data and invalidates, and does not read the key again (a read that loads would
        // announce the new value on the backplane by itself).
        Volatile.Write(ref name, "Boots");
        await writer.Cache.InvalidateAsync();

        await Eventually.TrueAsync(
            async () => (await reader.Cache.GetOrLoadAsync(CacheKeys.Categories, Load, CancellationToken.None))[0].Name == "Boots",
            "the other replica serves the changed value", TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_load_that_started_before_an_invalidation_does_not_outlive_it()
    {
        await using var replica = await Replica.StartAsync(_redis, memoryTtl: TimeSpan.FromMinutes(5));
        var name = "Shoes";
        var loadStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var finishLoad = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var slowRead = replica.Cache.GetOrLoadAsync(CacheKeys.Categories, async _ =>
        {
            var read = Categories(Volatile.Read(ref name));
            loadStarted.SetResult();
            await finishLoad.Task;
            return read;
        }, CancellationToken.None).AsTask();
        await loadStarted.Task;

        Volatile.Write(ref name, "Boots");
        await replica.Cache.InvalidateAsync();
        finishLoad.SetResult();
        Assert.Equal(Categories("Shoes"), await slowRead); // it answers the read that started before the change

        Assert.Equal(Categories("Boots"), await replica.Cache.GetOrLoadAsync(CacheKeys.Categories, _ => Task.FromResult(Categories(Volatile.Read(ref name))), CancellationToken.None));
    }

    [Fact]
    public async Task Without_redis_reads_come_from_the_loader_and_the_invalidation_reaches_redis_when_it_is_back()
    {
        await using var replica = await Replica.StartAsync(_redis, memoryTtl: TimeSpan.FromMinutes(5));
        var name = "Shoes";
        Task<List<CategoryResponse>> Load(CancellationToken _) => Task.FromResult(Categories(Volatile.Read(ref name)));
        await replica.Cache.GetOrLoadAsync(CacheKeys.Categories, Load, CancellationToken.None);

        await _redis.StopAsync();
        var before = replica.Stats;

        // Keys nobody read yet come from the loader, through the failing Redis level.
        Assert.Equal(Item(1, "Shoes"), await replica.Cache.GetOrLoadAsync(CacheKeys.Item(1), _ => Task.FromResult<CatalogItemResponse?>(Item(1, "Shoes")), CancellationToken.None));
        Assert.Equal(Item(2, "Shoes"), await replica.Cache.GetOrLoadAsync(CacheKeys.Item(2), _ => Task.FromResult<CatalogItemResponse?>(Item(2, "Shoes")), CancellationToken.None));
        // A change is invalidated although Redis cannot be told, and the next read shows it.
        Volatile.Write(ref name, "Boots");
        await replica.Cache.InvalidateAsync();
        Assert.Equal(Categories("Boots"), await replica.Cache.GetOrLoadAsync(CacheKeys.Categories, Load, CancellationToken.None));
        var during = replica.Stats;
        Assert.True(during.RedisErrors > before.RedisErrors, "the Redis failures are counted");
        Assert.Equal(3, during.Loads - before.Loads);

        await _redis.RestartAsync();
        using var redis = await ConnectionMultiplexer.ConnectAsync(_redis.AdminConnectionString);
        await Eventually.TrueAsync(async () => await redis.GetDatabase().KeyExistsAsync(Replica.InvalidationKey),
            "the invalidation that could not reach Redis is stored there (auto-recovery)", TimeSpan.FromSeconds(30));
        await Eventually.TrueAsync(async () =>
        {
            await replica.Cache.GetOrLoadAsync(CacheKeys.Item(Random.Shared.Next(100, 1_000_000)), _ => Task.FromResult<CatalogItemResponse?>(null), CancellationToken.None);
            return ((RedisResult[])(await redis.GetDatabase().ExecuteAsync("KEYS", Replica.RedisKeyOf("item:*")))!).Length > 0;
        }, "values are written to Redis again", TimeSpan.FromSeconds(30));
        Assert.Equal(Categories("Boots"), await replica.Cache.GetOrLoadAsync(CacheKeys.Categories, Load, CancellationToken.None));

        // A replica that starts now gets the changed value too.
        await using var late = await Replica.StartAsync(_redis);
        Assert.Equal(Categories("Boots"), await late.Cache.GetOrLoadAsync(CacheKeys.Categories, Load, CancellationToken.None));
    }

    [Fact]
    public async Task A_replica_that_missed_the_invalidation_message_learns_of_it_from_redis()
    {
        await using var writer = await Replica.StartAsync(_redis, memoryTtl: TimeSpan.FromSeconds(1));
        await using var reader = await Replica.StartAsync(_redis, memoryTtl: TimeSpan.FromSeconds(1));
        var name = "Shoes";
        Task<List<CategoryResponse>> Load(CancellationToken _) => Task.FromResult(Categories(Volatile.Read(ref name)));
        await writer.Cache.GetOrLoadAsync(CacheKeys.Categories, Load, CancellationToken.None);
        await reader.Cache.GetOrLoadAsync(CacheKeys.Categories, Load, CancellationToken.None);

        // Redis keeps its connections and its data (the old value too) but answers nothing for a while: the writer's
        // invalidation times out on its side, is carried out by Redis later, and is never announced on the backplane
        // (FusionCache's auto-recovery then finds Redis up to date and publishes nothing).
        using var admin = await ConnectionMultiplexer.ConnectAsync(_redis.AdminConnectionString);
        await admin.GetDatabase().ExecuteAsync("CLIENT", "PAUSE", "3000", "ALL");
        Volatile.Write(ref name, "Boots");
        await writer.Cache.InvalidateAsync();

        // The reader's memory copy expires, Redis still holds the old value, and only the tag's timestamp, read again
        // from Redis, tells that it was invalidated.
        await Eventually.TrueAsync(
            async () => (await reader.Cache.GetOrLoadAsync(CacheKeys.Categories, Load, CancellationToken.None))[0].Name == "Boots",
            "the other replica serves the changed value", TimeSpan.FromSeconds(15));
        Assert.Equal(Categories("Boots"), await writer.Cache.GetOrLoadAsync(CacheKeys.Categories, Load, CancellationToken.None));
    }

    [Fact]
    public async Task The_lent_connection_survives_whatever_borrows_it()
    {
        using var owner = await ConnectionMultiplexer.ConnectAsync(_redis.ConnectionString);
        var lent = LentConnectionMultiplexer.Lend(owner);

        await lent.CloseAsync();
        lent.Dispose();
        await lent.DisposeAsync();

        Assert.True(owner.IsConnected);
        await lent.GetDatabase().PingAsync();
        await Assert.ThrowsAsync<RedisServerException>(() => lent.GetDatabase().ExecuteAsync("NO-SUCH-COMMAND"));
    }

    private static CatalogItemResponse Item(int id, string name) => new(id, name, "Keeps the rain off.", 19.99m, 4, "Accessories", 5, $"/p/{id}.svg");

    private static List<CategoryResponse> Categories(string name) => [new(1, name)];

    /// <summary>One catalog process, as far as its cache goes: the app's cache registration on the test's Redis.</summary>
    private sealed class Replica : IAsyncDisposable
    {
        private const string KeyPrefix = "catalog:v1";

        private readonly IHost _host;

        private Replica(IHost host) => _host = host;

        /// <summary>Where FusionCache keeps the moment of the last invalidation in Redis: the read models' tag (wire format "v2", our prefix, its tag prefix).</summary>
        public static string InvalidationKey => RedisKeyOf("__fc:t:" + CacheKeys.ReadModelsTag);

        public CatalogCache Cache => _host.Services.GetRequiredService<CatalogCache>();

        public CacheStatistics Stats => _host.Services.GetRequiredService<CacheMetrics>().Snapshot();

        public static string RedisKeyOf(string key) => $"v2:{KeyPrefix}:{key}";

        public static async Task<Replica> StartAsync(LocalRedisServer redis, TimeSpan? memoryTtl = null)
        {
            var builder = Host.CreateApplicationBuilder();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Catalog:Cache:KeyPrefix"] = KeyPrefix,
                ["Catalog:Cache:MemoryTtl"] = (memoryTtl ?? TimeSpan.FromSeconds(3)).ToString(),
                ["Catalog:Cache:RedisTtl"] = TimeSpan.FromMinutes(10).ToString(),
            });
            // What AddRedisClient("cache") registers in the app: one multiplexer for the process.
            builder.Services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(redis.ConnectionString));
            builder.Services.AddMetrics();
            builder.Services.AddCatalogCache();
            var host = builder.Build();
            await host.StartAsync();
            return new Replica(host);
        }

        public async ValueTask DisposeAsync()
        {
            await _host.StopAsync();
            _host.Dispose();
        }
    }
}
