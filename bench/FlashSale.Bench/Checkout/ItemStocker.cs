using System.Globalization;
using System.Text.Json;
using Shop.IntegrationEvents;
using Shop.Ordering.Core;
using Shop.Ordering.Core.Redis;

namespace Shop.Bench.Checkout;

/// <summary>
/// Gives a checkout run its hot items the way production does (docs/checkout.md): a CatalogItemChanged per item
/// on shop.events, as Catalog's outbox announces a new item, then a wait until ordering-worker has written each
/// item's ledger row (stocks, kind 'Item') and armed its stock in the gate (<c>stock:{stockId}:meta</c>).
/// The catalog's 120 seeded items are announced too, so the run's items come from a range of their own.
/// </summary>
public static class ItemStocker
{
    /// <summary>Well above the seeded catalog's ids; each run of the scenario takes the next ones (a fresh Shop starts here again).</summary>
    public const int FirstItemId = 900_001;

    private static int s_next = FirstItemId - 1;

    /// <summary>Item ids no earlier run of this process used.</summary>
    public static IReadOnlyList<int> NewItemIds(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var last = Interlocked.Add(ref s_next, count);
        return [.. Enumerable.Range(last - count + 1, count)];
    }

    public static async Task StockAsync(BenchedShop shop, IReadOnlyList<int> items, int stock, CancellationToken cancellationToken, decimal price = 10m)
    {
        var messages = items.Select(item =>
        {
            var change = new CatalogItemChanged
            {
                ItemId = item, Name = string.Create(CultureInfo.InvariantCulture, $"Benchmark item {item}"), Price = price,
                Stock = stock, StockVersion = 1, Deleted = false, Version = 1,
            };
            return new ShopEvents.Message(EventTopology.CatalogItemChangedRoutingKey, EventTopology.CatalogItemChangedType, change.EventId,
                JsonSerializer.SerializeToUtf8Bytes(change, IntegrationEventsJsonContext.Default.CatalogItemChanged));
        }).ToList();
        await ShopEvents.PublishAsync(shop, messages, cancellationToken).ConfigureAwait(false);

        var redis = shop.Redis.GetDatabase();
        var stocks = items.Select(ItemStocks.StockId).ToArray();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!(await redis.KeyExistsAsync(GateKeys.Ready).ConfigureAwait(false)
                 && await AllArmedAsync(redis, stocks, stock).ConfigureAwait(false)
                 && await LedgerRowsAsync(shop, stocks, cancellationToken).ConfigureAwait(false) == stocks.Length))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Items {items[0]}–{items[^1]} were not stocked within 60 s (is ordering-worker running?).");
            }
            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Every item's gate hash holds version 1 (or later) and the whole stock, none of it taken yet.</summary>
    private static async Task<bool> AllArmedAsync(StackExchange.Redis.IDatabase redis, Guid[] stocks, int stock)
    {
        foreach (var stockId in stocks)
        {
            var fields = await redis.HashGetAsync(GateKeys.Stock(stockId), ["version", "stock"]).ConfigureAwait(false);
            if (fields[0].IsNull || (long)fields[0] < 1 || fields[1].IsNull || (long)fields[1] != stock)
            {
                return false;
            }
        }
        return true;
    }

    private static async Task<long> LedgerRowsAsync(BenchedShop shop, Guid[] stocks, CancellationToken cancellationToken)
    {
        await using var command = shop.OrderingDb.CreateCommand($"SELECT count(*) FROM stocks WHERE stock_id = ANY(@stocks) AND kind = '{ItemStocks.Kind}'");
        command.Parameters.AddWithValue("stocks", stocks);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }
}
