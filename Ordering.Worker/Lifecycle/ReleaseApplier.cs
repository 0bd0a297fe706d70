using Microsoft.Extensions.Options;
using Npgsql;
using Shop.Ordering.Core.Events;
using Shop.Ordering.Core.Redis;
using Shop.Ordering.Worker.Gate;
using Shop.Ordering.Worker.Telemetry;

namespace Shop.Ordering.Worker.Lifecycle;

/// <summary>
/// Gives released units (stock_releases rows not applied yet: expiries by the worker, cancellations by the API)
/// back to the gate with release.lua, then marks the rows applied. Exactly once: the script records the order in
/// the stock's released set and does nothing for an order already there, so a row applied but not yet marked (a
/// crash in between) is harmless the second time.
/// <para>
/// <see cref="ReleaseOutcome.NoStock"/> (the gate has no such stock) is marked applied too. That is safe because of how a stock's gate state
/// comes into being: only arming (first time) and the rebuild create it, both take the stock from the ledger, and
/// both read the ledger under the <see cref="GateWriteLock"/> that this applier also holds — so they run entirely
/// before this round (and then the script finds the stock) or entirely after it (and then the ledger they read
/// already has these units back, since the row was committed together with them). Rounds are skipped while
/// <c>ordering:ready</c> is absent: the gate lost its data, and the rebuild takes every release into account.
/// </para>
/// </summary>
public sealed partial class ReleaseApplier(
    NpgsqlDataSource dataSource,
    GateClient gateClient,
    GateWriteLock gateWriteLock,
    GateMoves moves,
    WorkerMetrics metrics,
    IOptions<WorkerOptions> options,
    ILogger<ReleaseApplier> logger)
{
    private const string PendingSql = """
        SELECT order_id, stock_id, buyer_id, quantity FROM stock_releases
        WHERE applied_at IS NULL ORDER BY created_at LIMIT @limit
        """;

    private const string AnySql = "SELECT EXISTS (SELECT 1 FROM stock_releases WHERE applied_at IS NULL)";

    private const string MarkSql = "UPDATE stock_releases SET applied_at = now() WHERE order_id = ANY(@ids) AND applied_at IS NULL";

    /// <returns>How many release rows were applied and marked.</returns>
    public async Task<int> ApplyAsync(CancellationToken cancellationToken)
    {
        // Checked before taking the lock, so an idle poll never pauses the batch loop. Reading outside the lock
        // is safe: a row is only ever applied under it, and twice is harmless (the released set).
        await using (var any = dataSource.CreateCommand(AnySql))
        {
            if (await any.ExecuteScalarAsync(cancellationToken) is not true)
            {
                return 0;
            }
        }
        using var held = await gateWriteLock.AcquireAsync(cancellationToken);
        var pending = await PendingAsync(cancellationToken);
        if (pending.Count == 0 || !await gateClient.IsReadyAsync())
        {
            return 0;
        }

        // From the gate's step to the mark, a release is half done: the reconciler waits for the end of the move.
        using var move = moves.Begin();
        var calls = pending.Select(r => gateClient.ReleaseAsync(r.OrderId, r.StockId, r.BuyerId, r.Quantity)).ToArray();
        try
        {
            await Task.WhenAll(calls);
        }
        catch (Exception) when (calls.Any(c => c.IsCompletedSuccessfully))
        {
            // Mark what went through; the rest is tried again next round.
        }

        var applied = new List<Guid>(pending.Count);
        var appliedStocks = new HashSet<Guid>();
        for (var i = 0; i < calls.Length; i++)
        {
            if (calls[i].IsCompletedSuccessfully)
            {
                applied.Add(pending[i].OrderId);
                appliedStocks.Add(pending[i].StockId);
                var outcome = calls[i].Result;
                metrics.ReleaseApplied(outcome switch
                {
                    ReleaseOutcome.Released => "applied",
                    ReleaseOutcome.AlreadyReleased => "already",
                    _ => "no-stock",
                });
                if (outcome == ReleaseOutcome.NoStock)
                {
                    LogNoStock(logger, pending[i].OrderId, pending[i].StockId);
                }
            }
        }
        if (applied.Count == 0)
        {
            // Every script failed: surface the cause to the loop, which logs and retries.
            await Task.WhenAll(calls);
        }

        // Marked, and the items among these stocks noted for Catalog's next figures, in one implicit transaction: the gate
        // already has the units back, so the figure the publisher reads from it includes them.
        await using var mark = dataSource.CreateBatch();
        mark.BatchCommands.Add(new NpgsqlBatchCommand(MarkSql) { Parameters = { new NpgsqlParameter<Guid[]>("ids", [.. applied]) } });
        if (OrderingOutbox.ItemStocksMoved(appliedStocks) is { } itemStocksMoved)
        {
            mark.BatchCommands.Add(itemStocksMoved);
        }
        await mark.ExecuteNonQueryAsync(cancellationToken);
        LogApplied(logger, applied.Count);
        return applied.Count;
    }

    private async Task<List<(Guid OrderId, Guid StockId, string BuyerId, int Quantity)>> PendingAsync(CancellationToken cancellationToken)
    {
        var pending = new List<(Guid, Guid, string, int)>();
        await using var command = dataSource.CreateCommand(PendingSql);
        command.Parameters.Add(new NpgsqlParameter<int>("limit", options.Value.ReleaseBatchSize));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            pending.Add((reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetInt32(3)));
        }
        return pending;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Gave the units of {Count} expired or cancelled orders back to the gate")]
    private static partial void LogApplied(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Release of order {OrderId}: the gate has no stock {StockId}; its units are in the ledger, which the gate is armed from")]
    private static partial void LogNoStock(ILogger logger, Guid orderId, Guid stockId);
}
