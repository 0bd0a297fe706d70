using System.Globalization;

namespace Shop.Ordering.Core;

/// <summary>
/// A catalog item's regular stock is gated and kept like a flash sale's units (docs/checkout.md): a ledger row of
/// kind 'Item' and the gate's sale keys, under a stock id derived from the item id. The id is readable on
/// purpose (<c>00000000-0000-0000-0000-000000000042</c> is item 42) and can never be a sale's id (those are v7).
/// </summary>
public static class ItemStocks
{
    public const string Kind = "Item";

    /// <summary>Far more than any basket line may ask for (10): items have no per-buyer limit in practice.</summary>
    public const int PerBuyerLimit = 1_000_000;

    /// <summary>The open window of an item's stock: from the epoch to the end of year 9999.</summary>
    public static readonly DateTimeOffset OpenFrom = DateTimeOffset.UnixEpoch;

    public static readonly DateTimeOffset OpenUntil = new(9999, 12, 31, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Whether an id is an item's stock id (<see cref="StockId"/>), not a sale's.</summary>
    public static bool IsItemStock(Guid id) => id.ToString("D").StartsWith("00000000-0000-0000-0000-", StringComparison.Ordinal);

    /// <summary>The item whose stock id this is (<see cref="IsItemStock"/> must hold).</summary>
    public static int ItemId(Guid stockId) => IsItemStock(stockId)
        ? int.Parse(stockId.ToString("D").AsSpan(24), NumberStyles.None, CultureInfo.InvariantCulture)
        : throw new ArgumentException($"{stockId} is not an item's stock id.", nameof(stockId));

    public static Guid StockId(int itemId) =>
        itemId is >= 0 and <= 999_999_999
            ? Guid.ParseExact($"00000000-0000-0000-0000-{itemId.ToString("D12", CultureInfo.InvariantCulture)}", "D")
            : throw new ArgumentOutOfRangeException(nameof(itemId), itemId, "An item id is between 0 and 999,999,999.");
}
