using System.Globalization;
using Shop.Ordering.Core.Messaging;
using StackExchange.Redis;

namespace Shop.Ordering.Api.Relay;

/// <summary>One entry of the reservations stream: its id and, when well formed, the reservation.</summary>
public sealed record StreamEntry(string Id, ReservationMessage? Reservation, string Raw);

/// <summary>Reads the replies of XREADGROUP and XAUTOCLAIM (StackExchange.Redis 1.2.6 has no typed stream API).</summary>
public static class StreamEntries
{
    /// <summary>XREADGROUP: [[stream, [[id, [field, value, ...]], ...]]] or nil.</summary>
    public static List<StreamEntry> FromReadGroup(RedisResult result)
    {
        var entries = new List<StreamEntry>();
        if (result.IsNull)
        {
            return entries;
        }
        foreach (var stream in (RedisResult[])result!)
        {
            entries.AddRange(FromEntryList(((RedisResult[])stream!)[1]));
        }
        return entries;
    }

    /// <summary>XAUTOCLAIM: [next-id, [[id, [field, value, ...]], ...], [deleted ids]].</summary>
    public static List<StreamEntry> FromAutoClaim(RedisResult result) => [.. FromEntryList(((RedisResult[])result!)[1])];

    private static IEnumerable<StreamEntry> FromEntryList(RedisResult list)
    {
        foreach (var entry in (RedisResult[])list!)
        {
            var parts = (RedisResult[])entry!;
            var id = (string)parts[0]!;
            // An entry deleted while pending comes back with nil fields.
            if (parts[1].IsNull)
            {
                yield return new StreamEntry(id, null, "(deleted)");
                continue;
            }
            var fields = (RedisResult[])parts[1]!;
            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i + 1 < fields.Length; i += 2)
            {
                map[(string)fields[i]!] = (string)fields[i + 1]!;
            }
            yield return new StreamEntry(id, Parse(map), string.Join(' ', map.Select(kv => $"{kv.Key}={kv.Value}")));
        }
    }

    private static ReservationMessage? Parse(Dictionary<string, string> fields)
    {
        try
        {
            return new ReservationMessage(
                Guid.ParseExact(fields["orderId"], "N"),
                Guid.ParseExact(fields["saleId"], "N"),
                fields["buyerId"],
                int.Parse(fields["quantity"], CultureInfo.InvariantCulture),
                decimal.Parse(fields["unitPrice"], CultureInfo.InvariantCulture),
                DateTimeOffset.Parse(fields["reservedAt"], CultureInfo.InvariantCulture),
                fields["idempotencyKey"]);
        }
        catch (Exception e) when (e is KeyNotFoundException or FormatException or OverflowException)
        {
            return null;
        }
    }
}
