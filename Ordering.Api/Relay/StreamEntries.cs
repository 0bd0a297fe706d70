using System.Globalization;
using Shop.Ordering.Core.Messaging;
using StackExchange.Redis;

namespace Shop.Ordering.Api.Relay;

/// <summary>One entry of the reservations stream: its id and, when well formed, the reservation.</summary>
public sealed record RelayEntry(string Id, ReservationMessage? Reservation, string Raw)
{
    /// <summary>What <see cref="Raw"/> says for an entry deleted while it was pending.</summary>
    public const string Deleted = "(deleted)";
}

/// <summary>Turns the stream entries the reserve script wrote (field/value pairs) into reservations.</summary>
public static class StreamEntries
{
    public static List<RelayEntry> ToRelayEntries(StreamEntry[] entries)
    {
        var result = new List<RelayEntry>(entries.Length);
        foreach (var entry in entries)
        {
            var id = entry.Id.ToString();
            // An entry deleted while pending comes back without fields (XADD never writes an entry without one).
            if (entry.Values.Length == 0)
            {
                result.Add(new RelayEntry(id, null, RelayEntry.Deleted));
                continue;
            }
            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var field in entry.Values)
            {
                fields[field.Name.ToString()] = field.Value.ToString();
            }
            result.Add(new RelayEntry(id, Parse(fields), string.Join(' ', fields.Select(kv => $"{kv.Key}={kv.Value}"))));
        }
        return result;
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
