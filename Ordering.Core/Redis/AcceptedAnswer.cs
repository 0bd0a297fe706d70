using System.Globalization;

namespace Shop.Ordering.Core.Redis;

/// <summary>The first accepted answer of a key: its order and the quantity it asked for.</summary>
public readonly record struct AcceptedAnswer(Guid OrderId, int Quantity)
{
    /// <summary>reserve.lua stores an answer as "orderId|quantity" (<see cref="GateKeys.Answers"/>).</summary>
    public static AcceptedAnswer Parse(string stored)
    {
        var separator = stored.IndexOf('|', StringComparison.Ordinal);
        if (separator < 0)
        {
            throw new FormatException($"'{stored}' is not an answer of the gate (orderId|quantity).");
        }
        return new AcceptedAnswer(Guid.ParseExact(stored.AsSpan(0, separator), "N"),
            int.Parse(stored.AsSpan(separator + 1), NumberStyles.None, CultureInfo.InvariantCulture));
    }
}
