using System.Globalization;
using Npgsql;
using Shop.Ordering.Core.Redis;
using StackExchange.Redis;

namespace Shop.Ordering.Worker.Gate;

/// <summary>
/// A stock (a flash sale's units, or an item's regular stock: docs/checkout.md) as the ledger holds it, in the shape the gate needs: arming and the rebuild both write the gate from
/// this row, so the gate's definition always comes from Postgres, never straight from an event.
/// </summary>
public sealed record StockRow(
    Guid StockId,
    string Status,
    int Initial,
    int PerBuyerLimit,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    decimal UnitPrice,
    long Version,
    int Remaining,
    long StockVersion)
{
    public const string Columns = "stock_id, status, initial_quantity, per_buyer_limit, starts_at, ends_at, unit_price, version, remaining, stock_version";

    public static StockRow Read(NpgsqlDataReader reader) => new(
        reader.GetGuid(0),
        reader.GetString(1),
        reader.GetInt32(2),
        reader.GetInt32(3),
        reader.GetFieldValue<DateTimeOffset>(4),
        reader.GetFieldValue<DateTimeOffset>(5),
        reader.GetDecimal(6),
        reader.GetInt64(7),
        reader.GetInt32(8),
        reader.GetInt64(9));

    /// <summary>The price as the gate stores it (invariant, the ledger's two decimals): the API copies it into each order.</summary>
    public string Price => UnitPrice.ToString(CultureInfo.InvariantCulture);

    /// <summary>What arm.lua writes into the gate.</summary>
    public GateStockDefinition GateDefinition() => new(Version, Status, Initial, PerBuyerLimit, StartsAt, EndsAt, Price, Remaining);

    /// <summary>The whole meta hash, as the rebuild writes it: stock is what the ledger has not sold, nothing is pending.</summary>
    public HashEntry[] MetaEntries() =>
    [
        new("status", Status), new("stock", Remaining), new("pending", 0), new("limit", PerBuyerLimit),
        new("starts", StartsAt.ToUnixTimeMilliseconds()), new("ends", EndsAt.ToUnixTimeMilliseconds()),
        new("price", Price), new("initial", Initial), new("version", Version), new("stockVersion", StockVersion),
    ];
}
