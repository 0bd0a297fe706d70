using Npgsql;
using Shop.Ordering.Core.Redis;
using Shop.Ordering.Worker.Telemetry;

namespace Shop.Ordering.Worker.Reservations;

/// <summary>
/// Tells the gate that orders are durable (confirm.lua: their units leave "pending"), then records it in
/// <c>orders.gate_confirmed</c>. The scripts are fired together and awaited together, so a batch costs one
/// pipelined round trip. A confirmation that fails (Redis down) leaves the flag false for the gate confirmer to
/// retry; the script is idempotent, so confirming twice is harmless. Callers hold the <c>GateLock</c>.
/// </summary>
public sealed partial class GateConfirmations(
    GateClient gate,
    NpgsqlDataSource dataSource,
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
        var calls = new Task<ConfirmOutcome>[orders.Count];
        for (var i = 0; i < orders.Count; i++)
        {
            var order = orders[i];
            calls[i] = gate.ConfirmAsync(order.OrderId, order.SaleId, order.BuyerId, order.Quantity);
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
        var outcomes = new int[Enum.GetValues<ConfirmOutcome>().Length];
        for (var i = 0; i < calls.Length; i++)
        {
            if (!calls[i].IsCompletedSuccessfully)
            {
                continue;
            }
            done.Add(orders[i].OrderId);
            // Every outcome leaves nothing for the gate to learn: for NoSale, whoever creates the sale's state next
            // (arming or the rebuild) takes it from the ledger, which has this order.
            outcomes[(int)calls[i].Result]++;
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
            Count("confirmed", outcomes[(int)ConfirmOutcome.Confirmed]);
            Count("already", outcomes[(int)ConfirmOutcome.AlreadyConfirmed]);
            Count("counted", outcomes[(int)ConfirmOutcome.CountedNow]);
            Count("no-sale", outcomes[(int)ConfirmOutcome.NoSale]);
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
