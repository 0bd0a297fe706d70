using System.Globalization;
using Shop.Ordering.Core.Checkout;
using StackExchange.Redis;

namespace Shop.Ordering.Core.Redis;

/// <summary>
/// Reads the scripts' replies (tables of strings, or a number) into typed answers. A reply this version does not
/// know is an error, never guessed at: a newer script next to an older reader must fail loudly.
/// </summary>
public static class GateReplies
{
    public static ReservationDecision Reservation(RedisResult[] reply)
    {
        var outcome = (string)reply[0]!;
        return outcome switch
        {
            "accepted" => new ReservationDecision(ReservationOutcome.Accepted, Guid.ParseExact((string)reply[1]!, "N"), Number: Long(reply[2])),
            "repeat" => Repeat(AcceptedAnswer.Parse((string)reply[1]!)),
            "sold-out" => new ReservationDecision(ReservationOutcome.SoldOut, Number: Long(reply[1]), AcceptedKeys: reply.Length > 2 ? Long(reply[2]) : 0),
            "over-limit" => new ReservationDecision(ReservationOutcome.OverLimit, Number: Long(reply[1]), Limit: Long(reply[2])),
            "not-started" => new ReservationDecision(ReservationOutcome.NotStarted, Number: Long(reply[1])),
            "ended" => new ReservationDecision(ReservationOutcome.Ended),
            "cancelled" => new ReservationDecision(ReservationOutcome.Cancelled),
            "unknown" => new ReservationDecision(ReservationOutcome.UnknownSale),
            "restoring" => new ReservationDecision(ReservationOutcome.Restoring),
            "open-orders" => new ReservationDecision(ReservationOutcome.OpenOrdersCap, Cap: OpenOrdersCap.Parse(reply)),
            "memory-full" => new ReservationDecision(ReservationOutcome.GateFull),
            _ => throw new InvalidOperationException($"reserve.lua answered '{outcome}', which this version does not know."),
        };
    }

    /// <param name="reply">checkout.lua's reply.</param>
    /// <param name="lines">The lines asked for: a refused line reports how many were requested.</param>
    public static CheckoutDecision Checkout(RedisResult[] reply, IReadOnlyList<CheckoutItem> lines)
    {
        switch ((string)reply[0]!)
        {
            case "accepted":
                return new CheckoutDecision(CheckoutOutcome.Accepted, Guid.ParseExact((string)reply[1]!, "N"));
            case "repeat":
                // "checkoutId|fingerprint of its lines"
                var stored = (string)reply[1]!;
                var bar = stored.IndexOf('|', StringComparison.Ordinal);
                return new CheckoutDecision(CheckoutOutcome.Repeat, Guid.ParseExact(stored.AsSpan(0, bar), "N"), stored[(bar + 1)..]);
            case "refused":
                // Triples: reason, itemId, units available.
                var refused = new List<RefusedLine>();
                for (var i = 1; i + 2 < reply.Length; i += 3)
                {
                    var itemId = int.Parse((string)reply[i + 1]!, CultureInfo.InvariantCulture);
                    var requested = lines.First(l => l.ItemId == itemId).Quantity;
                    refused.Add(new RefusedLine(itemId, requested, Long(reply[i + 2]), (string)reply[i]!));
                }
                return new CheckoutDecision(CheckoutOutcome.Refused, Refused: refused);
            case "restoring":
                return new CheckoutDecision(CheckoutOutcome.Restoring);
            case "open-orders":
                return new CheckoutDecision(CheckoutOutcome.OpenOrdersCap, Cap: OpenOrdersCap.Parse(reply));
            case "memory-full":
                return new CheckoutDecision(CheckoutOutcome.GateFull);
            case var other:
                throw new InvalidOperationException($"checkout.lua answered '{other}', which this version does not know.");
        }
    }

    public static ReleaseOutcome Release(RedisResult reply) => (long)reply switch
    {
        1 => ReleaseOutcome.Released,
        0 => ReleaseOutcome.AlreadyReleased,
        -1 => ReleaseOutcome.NoStock,
        var other => throw new InvalidOperationException($"release.lua answered {other}, which this version does not know."),
    };

    public static RestockReply Restock(RedisResult[] reply) => (string?)reply[0] switch
    {
        "applied" => new RestockReply(RestockOutcome.Applied, int.Parse((string)reply[1]!, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)),
        "older" => new RestockReply(RestockOutcome.Older),
        "missing" => new RestockReply(RestockOutcome.Missing),
        var other => throw new InvalidOperationException($"restock.lua answered '{other}', which this version does not know."),
    };

    private static ReservationDecision Repeat(AcceptedAnswer first) => new(ReservationOutcome.Repeat, first.OrderId, first.Quantity);

    private static long Long(RedisResult value) => long.Parse((string)value!, CultureInfo.InvariantCulture);
}
