using StackExchange.Redis;

namespace Shop.Ordering.Core.Redis;

/// <summary>
/// A stock (a flash sale's or an item's) as the gate holds it now: what the stock endpoints show a shopper. Read by
/// <see cref="GateClient.StockFiguresAsync"/>; the fields are arm.lua's.
/// </summary>
/// <param name="Available">Units a decision can still take (never below 0).</param>
public sealed record GateStockFigures(long Available, int Initial, string Status, DateTimeOffset StartsAt, DateTimeOffset EndsAt)
{
    /// <summary>The stock hash's fields read, in <see cref="Parse"/>'s order.</summary>
    public static readonly RedisValue[] Fields = ["stock", "initial", "status", "starts", "ends"];

    /// <summary>The figures from the values of <see cref="Fields"/>; null when the gate holds no such stock (no <c>stock</c> field).</summary>
    public static GateStockFigures? Parse(RedisValue[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length != Fields.Length)
        {
            throw new ArgumentException($"Expected the {Fields.Length} values of {nameof(Fields)}, got {values.Length}.", nameof(values));
        }
        return values[0].IsNull
            ? null
            : new GateStockFigures(Math.Max(0, (long)values[0]), (int)values[1], (string)values[2]!,
                DateTimeOffset.FromUnixTimeMilliseconds((long)values[3]), DateTimeOffset.FromUnixTimeMilliseconds((long)values[4]));
    }
}
