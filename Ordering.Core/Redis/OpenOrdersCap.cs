using System.Globalization;

namespace Shop.Ordering.Core.Redis;

/// <summary>
/// A buyer at the open-orders cap (reserve.lua or checkout.lua answered "open-orders"): what they hold open now and
/// the caps (<see cref="OrderingOptions.MaxOpenOrders"/>, <see cref="OrderingOptions.MaxOpenUnits"/>).
/// </summary>
public sealed record OpenOrdersCap(int Orders, int Units, int MaxOrders, int MaxUnits)
{
    /// <summary>The problem's detail: which cap, and how to get below it.</summary>
    public string Detail(int askedUnits) => Orders + 1 > MaxOrders
        ? $"You have {Orders} unpaid order(s), the most one buyer may hold open ({MaxOrders}): pay or cancel one first."
        : $"You hold {Units} unit(s) in unpaid orders; with these {askedUnits} you would pass the most one buyer may hold open ({MaxUnits}): pay or cancel an order first.";

    /// <summary>From the script's reply: "open-orders", orders, units, max orders, max units.</summary>
    internal static OpenOrdersCap Parse(StackExchange.Redis.RedisResult[] reply) => new(
        Int(reply[1]), Int(reply[2]), Int(reply[3]), Int(reply[4]));

    private static int Int(StackExchange.Redis.RedisResult value) => int.Parse((string)value!, CultureInfo.InvariantCulture);
}

/// <summary>One of a buyer's open orders as the gate keeps it: "units|payment deadline (unix ms)" (<see cref="GateKeys.BuyerOpenOrders"/>).</summary>
public readonly record struct OpenOrder(int Units, long DeadlineMs)
{
    public static OpenOrder Parse(string value)
    {
        var bar = value.IndexOf('|', StringComparison.Ordinal);
        return bar > 0
            && int.TryParse(value.AsSpan(0, bar), NumberStyles.None, CultureInfo.InvariantCulture, out var units)
            && long.TryParse(value.AsSpan(bar + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var deadline)
            ? new OpenOrder(units, deadline)
            : throw new FormatException($"An open order is \"units|deadline\", not \"{value}\".");
    }
}
