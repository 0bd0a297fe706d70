using System.Globalization;
using Microsoft.Extensions.Options;
using Shop.Ordering.Core;
using Shop.Ordering.Core.Redis;
using Shop.ServiceDefaults.Telemetry;
using StackExchange.Redis;

namespace Shop.Ordering.Api.Checkout;

/// <summary>
/// Runs a basket checkout (checkout.lua) in the gate: every line against its item's stock, all or nothing, one
/// round trip, no database. Lines arrive validated (distinct items, quantities in bounds).
/// </summary>
public sealed class CheckoutGate(IConnectionMultiplexer redis, IOptions<OrderingOptions> options, TimeProvider time)
{
    private readonly long _orderTtlSeconds = (long)options.Value.ReservationRetention.TotalSeconds;

    /// <summary>"itemId:quantity" of each line in item order: what makes a repeated key the same checkout.</summary>
    public static string Fingerprint(IEnumerable<CheckoutItem> lines) =>
        string.Join(',', lines.OrderBy(l => l.ItemId).Select(l => string.Create(CultureInfo.InvariantCulture, $"{l.ItemId}:{l.Quantity}")));

    public async Task<CheckoutDecision> CheckoutAsync(string buyerId, string idempotencyKey, IReadOnlyList<CheckoutItem> lines)
    {
        var now = time.GetUtcNow();
        var checkoutId = Guid.CreateVersion7(now);
        var keys = new RedisKey[4 + lines.Count * 3];
        var values = new RedisValue[7 + lines.Count * 4];
        (keys[0], keys[1], keys[2], keys[3]) = (GateKeys.Alive, GateKeys.BuyerCheckouts(buyerId), GateKeys.Reservations, GateKeys.BuyerPending(buyerId));
        (values[0], values[1], values[2], values[3], values[4], values[5], values[6]) =
            (buyerId, idempotencyKey, checkoutId.ToString("N"), now.ToString("O", CultureInfo.InvariantCulture), _orderTtlSeconds, Fingerprint(lines),
             TraceParents.Current());
        for (var i = 0; i < lines.Count; i++)
        {
            var stockId = ItemStocks.StockId(lines[i].ItemId);
            var lineId = Guid.CreateVersion7(now);
            (keys[4 + i * 3], keys[5 + i * 3], keys[6 + i * 3]) = (GateKeys.Sale(stockId), GateKeys.Buyers(stockId), GateKeys.Order(lineId));
            (values[7 + i * 4], values[8 + i * 4], values[9 + i * 4], values[10 + i * 4]) =
                (lineId.ToString("N"), stockId.ToString("N"), lines[i].ItemId, lines[i].Quantity);
        }
        var result = (RedisResult[])(await redis.GetDatabase().RunAsync(GateScripts.Checkout, keys, values).ConfigureAwait(false))!;
        return Parse(result, lines);
    }

    internal static CheckoutDecision Parse(RedisResult[] result, IReadOnlyList<CheckoutItem> lines)
    {
        switch ((string)result[0]!)
        {
            case "accepted":
                return new CheckoutDecision(CheckoutOutcome.Accepted, Guid.ParseExact((string)result[1]!, "N"));
            case "repeat":
                var stored = (string)result[1]!;
                var bar = stored.IndexOf('|', StringComparison.Ordinal);
                return new CheckoutDecision(CheckoutOutcome.Repeat, Guid.ParseExact(stored.AsSpan(0, bar), "N"), stored[(bar + 1)..]);
            case "refused":
                var refused = new List<RefusedLine>();
                for (var i = 1; i + 2 < result.Length; i += 3)
                {
                    var itemId = int.Parse((string)result[i + 1]!, CultureInfo.InvariantCulture);
                    var requested = lines.First(l => l.ItemId == itemId).Quantity;
                    refused.Add(new RefusedLine(itemId, requested, long.Parse((string)result[i + 2]!, CultureInfo.InvariantCulture), (string)result[i]!));
                }
                return new CheckoutDecision(CheckoutOutcome.Refused, Refused: refused);
            case "restoring":
                return new CheckoutDecision(CheckoutOutcome.Restoring);
            case var other:
                throw new InvalidOperationException($"checkout.lua answered '{other}', which this version does not know.");
        }
    }
}
