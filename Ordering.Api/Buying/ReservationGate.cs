using System.Globalization;
using Microsoft.Extensions.Options;
using Shop.Ordering.Core;
using Shop.Ordering.Core.Redis;
using Shop.ServiceDefaults.Telemetry;
using StackExchange.Redis;

namespace Shop.Ordering.Api.Buying;

/// <summary>Runs the buy decision (reserve.lua) in Redis: one round trip, no database.</summary>
public sealed class ReservationGate(IConnectionMultiplexer redis, IOptions<OrderingOptions> options, TimeProvider time)
{
    private readonly long _orderTtlSeconds = (long)options.Value.ReservationRetention.TotalSeconds;

    public async Task<GateDecision> ReserveAsync(Guid saleId, string buyerId, string idempotencyKey, int quantity)
    {
        var now = time.GetUtcNow();
        var orderId = Guid.CreateVersion7(now);
        RedisKey[] keys =
        [
            GateKeys.Alive, GateKeys.Sale(saleId), GateKeys.Buyers(saleId), GateKeys.Answers(saleId),
            GateKeys.Reservations, GateKeys.Order(orderId), GateKeys.BuyerPending(buyerId),
        ];
        RedisValue[] values =
        [
            buyerId, idempotencyKey, quantity, now.ToUnixTimeMilliseconds(), orderId.ToString("N"), saleId.ToString("N"),
            now.ToString("O", CultureInfo.InvariantCulture), _orderTtlSeconds, TraceParents.Current(),
        ];
        var result = (RedisResult[])(await redis.GetDatabase().RunAsync(GateScripts.Reserve, keys, values).ConfigureAwait(false))!;
        return Parse(result);
    }

    internal static GateDecision Parse(RedisResult[] result)
    {
        var outcome = (string)result[0]!;
        return outcome switch
        {
            "accepted" => new GateDecision(GateOutcome.Accepted, Guid.ParseExact((string)result[1]!, "N"), Number: Long(result[2])),
            "repeat" => ParseRepeat((string)result[1]!),
            "sold-out" => new GateDecision(GateOutcome.SoldOut, Number: Long(result[1]), AcceptedKeys: result.Length > 2 ? Long(result[2]) : 0),
            "over-limit" => new GateDecision(GateOutcome.OverLimit, Number: Long(result[1]), Limit: Long(result[2])),
            "not-started" => new GateDecision(GateOutcome.NotStarted, Number: Long(result[1])),
            "ended" => new GateDecision(GateOutcome.Ended),
            "cancelled" => new GateDecision(GateOutcome.Cancelled),
            "unknown" => new GateDecision(GateOutcome.UnknownSale),
            "restoring" => new GateDecision(GateOutcome.Restoring),
            _ => throw new InvalidOperationException($"reserve.lua answered '{outcome}', which this version does not know."),
        };
    }

    private static GateDecision ParseRepeat(string stored)
    {
        var answer = AcceptedAnswer.Parse(stored);
        return new GateDecision(GateOutcome.Repeat, answer.OrderId, answer.Quantity);
    }

    private static long Long(RedisResult value) => long.Parse((string)value!, CultureInfo.InvariantCulture);
}
