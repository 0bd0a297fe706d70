using Shop.Catalog.Api.Apis.Contracts;
using Shop.Catalog.Api.Data;
using Shop.Catalog.Api.FlashSales;
using Shop.Catalog.Api.Stock;
using Shop.Catalog.Data;

namespace Shop.Catalog.Api.Caching;

/// <summary>
/// The read models, through the cache. Each load runs in a scope of its own, not the request's: a load is shared
/// by every request that waits for the same key and must not end with the request that happened to start it.
/// Sale statuses (upcoming, live, ended) are computed at answer time from the cached windows, and so is an item's
/// stock: Ordering's figure (<see cref="ItemStockSnapshot"/>) over the cached row, never cached itself. Every type
/// cached here is listed in <see cref="CatalogCacheJsonContext"/>, for Redis.
/// </summary>
public sealed class CatalogReader(CatalogCache cache, ItemStockSnapshot stock, IServiceScopeFactory scopes, TimeProvider time)
{
    public async ValueTask<CatalogItemsPage> GetItemsPageAsync(int pageIndex, int pageSize, int? categoryId, string? name, CancellationToken cancellationToken)
    {
        var page = await cache.GetOrLoadAsync(
            CacheKeys.ItemsPage(pageIndex, pageSize, categoryId, name),
            token => WithDbAsync(db => CatalogQueries.GetItemsPageAsync(db, pageIndex, pageSize, categoryId, name, token)),
            cancellationToken).ConfigureAwait(false);
        return stock.Overlay(page);
    }

    public async ValueTask<CatalogItemResponse?> GetItemAsync(int id, CancellationToken cancellationToken)
    {
        var item = await cache.GetOrLoadAsync(
            CacheKeys.Item(id),
            token => WithDbAsync(db => CatalogQueries.GetItemAsync(db, id, token)),
            cancellationToken).ConfigureAwait(false);
        return item is null ? null : stock.Overlay(item);
    }

    public ValueTask<List<CategoryResponse>> GetCategoriesAsync(CancellationToken cancellationToken) =>
        cache.GetOrLoadAsync(
            CacheKeys.Categories,
            token => WithDbAsync(db => CatalogQueries.GetCategoriesAsync(db, token)),
            cancellationToken);

    /// <summary>Live and upcoming sales, soonest first.</summary>
    public async ValueTask<List<FlashSaleResponse>> GetCurrentSalesAsync(CancellationToken cancellationToken)
    {
        var sales = await cache.GetOrLoadAsync(
            CacheKeys.CurrentSales,
            token => WithDbAsync(db => CatalogQueries.GetCurrentSalesAsync(db, time.GetUtcNow(), token)),
            cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        return sales.Where(s => s.EndsAt > now).Select(s => AsOf(s, now)).ToList();
    }

    /// <summary>The id of every sale, whatever its phase (cached like the other read models, retired by any admin change).</summary>
    public ValueTask<List<Guid>> GetSaleIdsAsync(CancellationToken cancellationToken) =>
        cache.GetOrLoadAsync(CacheKeys.SaleIds, token => WithDbAsync(db => CatalogQueries.GetSaleIdsAsync(db, token)), cancellationToken);

    public async ValueTask<FlashSaleResponse?> GetSaleAsync(Guid id, CancellationToken cancellationToken)
    {
        var sale = await cache.GetOrLoadAsync(
            CacheKeys.Sale(id),
            token => WithDbAsync(db => CatalogQueries.GetSaleAsync(db, id, time.GetUtcNow(), token)),
            cancellationToken).ConfigureAwait(false);
        return sale is null ? null : AsOf(sale, time.GetUtcNow());
    }

    private static FlashSaleResponse AsOf(FlashSaleResponse sale, DateTimeOffset now)
    {
        var phase = sale.Status == FlashSalePhase.Cancelled ? FlashSalePhase.Cancelled : FlashSaleRules.PhaseAt(FlashSaleState.Scheduled, sale.StartsAt, sale.EndsAt, now);
        return phase == sale.Status ? sale : sale with { Status = phase };
    }

    private async Task<T> WithDbAsync<T>(Func<CatalogDbContext, Task<T>> query)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<CatalogDbContext>()).ConfigureAwait(false);
    }
}
