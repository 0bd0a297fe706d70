using Microsoft.Extensions.Options;
using Npgsql;
using Shop.Ordering.Core;
using Shop.Ordering.Core.Redis;
using Shop.Ordering.Worker.Telemetry;
using StackExchange.Redis;

namespace Shop.Ordering.Worker.Reservations;

/// <summary>
/// Tells the gate that orders are durable (confirm.lua: their units leave "pending"), then records it in
/// <c>orders.gate_confirmed</c>. The scripts are fired together and awaited together, so a batch costs one
/// pipelined round trip. A confirmation that fails (Redis down) leaves the flag false for the gate confirmer to
/// retry; the script is idempotent, so confirming twice is harmless. Callers hold the <c>GateLock</c>.
/// </summary>
public sealed partial class GateConfirmations(
    IConnectionMultiplexer redis,
    NpgsqlDataSource dataSource,
    IOptions<OrderingOptions> ordering,
    WorkerMetrics metrics,
    ILogger<GateConfirmations> logger)
{
    private const string MarkSql = "UPDATE orders SET gate_confirmed = true WHERE order_id = ANY(@ids) AND NOT gate_confirmed";

    /// <returns>How many orders the gate now knows about (and are marked so).</returns>
    public async Task<int> ConfirmAsync(IReadOnlyList<PersistedOrder> orders, CancellationToken cancellationToken)
    {
        if (orders.Count == 0)
        {
            return 0;
        }
        var database = redis.GetDatabase();
        var ttlSeconds = (long)ordering.Value.ReservationRetention.TotalSeconds;
        var calls = new Task<RedisResult>[orders.Count];
        for (var i = 0; i < orders.Count; i++)
        {
            var order = orders[i];
            // Gate values spell ids without hyphens ("N"), as the API's reserve.lua call does.
            calls[i] = database.RunAsync(GateScripts.Confirm,
                [GateKeys.Order(order.OrderId), GateKeys.Sale(order.SaleId), GateKeys.Buyers(order.SaleId), GateKeys.BuyerPending(order.BuyerId)],
                [order.OrderId.ToString("N"), order.BuyerId, order.Quantity, ttlSeconds]);
        }
        try
        {
            await Task.WhenAll(calls);
        }
        catch (Exception) when (calls.Any(c => c.IsCompletedSuccessfully))
        {
            // Some got through: mark those, the others stay for the gate confirmer.
        }

        var done = new List<Guid>(orders.Count);
        var outcomes = new int[4];
        for (var i = 0; i < calls.Length; i++)
        {
            if (!calls[i].IsCompletedSuccessfully)
            {
                continue;
            }
            done.Add(orders[i].OrderId);
            // 1 pending → confirmed, 0 already confirmed, 2 counted now (the gate never saw it), -1 no such sale.
            // Every one of them leaves nothing for the gate to learn: for -1, whoever creates the sale's state
            // next (arming or the rebuild) takes it from the ledger, which has this order.
            var result = (long)calls[i].Result;
            outcomes[result switch { 1 => 0, 0 => 1, 2 => 2, _ => 3 }]++;
        }
        if (done.Count < orders.Count)
        {
            var failed = calls.First(c => !c.IsCompletedSuccessfully).Exception?.GetBaseException();
            LogDeferred(logger, orders.Count - done.Count, failed?.Message);
        }
        if (done.Count > 0)
        {
            await using var command = dataSource.CreateCommand(MarkSql);
            command.Parameters.Add(new NpgsqlParameter<Guid[]>("ids", [.. done]));
            await command.ExecuteNonQueryAsync(cancellationToken);
            Count("confirmed", outcomes[0]);
            Count("already", outcomes[1]);
            Count("counted", outcomes[2]);
            Count("no-sale", outcomes[3]);
        }
        return done.Count;
    }

    private void Count(string outcome, int orders)
    {
        if (orders > 0)
        {
            metrics.GateConfirmed(outcome, orders);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} orders are durable but the gate could not be told ({Reason}); the gate confirmer retries them")]
    private static partial void LogDeferred(ILogger logger, int count, string? reason);
}
