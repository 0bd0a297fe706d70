using System.Globalization;
using Shop.Ordering.Core.Messaging;
using StackExchange.Redis;

namespace Shop.Ordering.Core.Redis;

/// <summary>One entry of the reservations stream: its id and, when well formed, the reservation; <see cref="Raw"/> is the text of an entry that is not (empty otherwise).</summary>
public sealed record GateStreamEntry(string Id, ReservationMessage? Reservation, string Raw)
{
    /// <summary>The W3C traceparent of the request that made the reservation, when it was traced.</summary>
    public string? TraceParent { get; init; }

    /// <summary>What <see cref="Raw"/> says for an entry deleted while it was pending.</summary>
    public const string Deleted = "(deleted)";
}

/// <summary>
/// Reads the entries reserve.lua and checkout.lua append to <see cref="GateKeys.Reservations"/> (field/value pairs)
/// into reservations. The field names are the scripts'; keep them in step.
/// </summary>
public static class GateStreamEntries
{
    /// <summary>The field that carries the W3C trace context of the request that made the reservation.</summary>
    public const string TraceParentField = "traceparent";

    /// <summary>
    /// A price as the scripts write it ("9.99"): digits and a decimal point only. The default number style would also
    /// take thousands separators, and read a malformed "9,99" as 999.
    /// </summary>
    private const NumberStyles Price = NumberStyles.AllowDecimalPoint;

    public static List<GateStreamEntry> Read(StreamEntry[] entries)
    {
        var result = new List<GateStreamEntry>(entries.Length);
        foreach (var entry in entries)
        {
            var id = entry.Id.ToString();
            // An entry deleted while pending comes back without fields (XADD never writes an entry without one).
            if (entry.Values.Length == 0)
            {
                result.Add(new GateStreamEntry(id, null, GateStreamEntry.Deleted));
                continue;
            }
            // Every well-formed entry pays only for its parse; the text of the whole entry is made for a malformed one.
            var reservation = Parse(entry.Values, out var traceParent);
            result.Add(new GateStreamEntry(id, reservation, reservation is null ? string.Join(' ', entry.Values.Select(f => $"{f.Name}={f.Value}")) : "")
            {
                TraceParent = traceParent,
            });
        }
        return result;
    }

    private static ReservationMessage? Parse(NameValueEntry[] fields, out string? traceParent)
    {
        traceParent = null;
        RedisValue kind = default, orderId = default, stockId = default, buyerId = default, quantity = default, unitPrice = default,
            reservedAt = default, idempotencyKey = default, lines = default;
        foreach (var field in fields)
        {
            // The reserve script's field names; a field written twice keeps its last value, as a dictionary would.
            switch ((string?)field.Name)
            {
                case "kind": kind = field.Value; break;
                case TraceParentField: traceParent = field.Value; break;
                case "lines": lines = field.Value; break;
                case "orderId": orderId = field.Value; break;
                case "stockId": stockId = field.Value; break;
                case "buyerId": buyerId = field.Value; break;
                case "quantity": quantity = field.Value; break;
                case "unitPrice": unitPrice = field.Value; break;
                case "reservedAt": reservedAt = field.Value; break;
                case "idempotencyKey": idempotencyKey = field.Value; break;
            }
        }
        if (kind == "checkout")
        {
            return ParseCheckout(orderId, buyerId, reservedAt, idempotencyKey, lines);
        }
        if (orderId.IsNull || stockId.IsNull || buyerId.IsNull || quantity.IsNull || unitPrice.IsNull || reservedAt.IsNull || idempotencyKey.IsNull)
        {
            return null;
        }
        try
        {
            return new ReservationMessage(
                Guid.ParseExact((string)orderId!, "N"),
                Guid.ParseExact((string)stockId!, "N"),
                (string)buyerId!,
                int.Parse((string)quantity!, NumberStyles.None, CultureInfo.InvariantCulture),
                decimal.Parse((string)unitPrice!, Price, CultureInfo.InvariantCulture),
                DateTimeOffset.Parse((string)reservedAt!, CultureInfo.InvariantCulture),
                (string)idempotencyKey!);
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            return null;
        }
    }

    /// <summary>checkout.lua's entry: its lines as "lineId:stockId:quantity:unitPrice", comma-separated.</summary>
    private static ReservationMessage? ParseCheckout(RedisValue orderId, RedisValue buyerId, RedisValue reservedAt, RedisValue idempotencyKey, RedisValue lines)
    {
        if (orderId.IsNull || buyerId.IsNull || reservedAt.IsNull || idempotencyKey.IsNull || lines.IsNullOrEmpty)
        {
            return null;
        }
        try
        {
            var parsed = new List<CheckoutLine>();
            foreach (var line in ((string)lines!).Split(','))
            {
                var parts = line.Split(':');
                if (parts.Length != 4)
                {
                    return null;
                }
                parsed.Add(new CheckoutLine(Guid.ParseExact(parts[0], "N"), Guid.ParseExact(parts[1], "N"),
                    int.Parse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture), decimal.Parse(parts[3], Price, CultureInfo.InvariantCulture)));
            }
            return new ReservationMessage(Guid.ParseExact((string)orderId!, "N"), Guid.Empty, (string)buyerId!, parsed.Sum(l => l.Quantity), 0m,
                DateTimeOffset.Parse((string)reservedAt!, CultureInfo.InvariantCulture), (string)idempotencyKey!)
            {
                Lines = parsed,
            };
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            return null;
        }
    }
}
