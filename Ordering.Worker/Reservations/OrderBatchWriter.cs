using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Shop.IntegrationEvents;
using Shop.Ordering.Core;
using Shop.Ordering.Core.Events;
using Shop.Ordering.Core.Messaging;
using Shop.ServiceDefaults.Telemetry;

namespace Shop.Ordering.Worker.Reservations;

/// <summary>
/// Persists a batch of reservations in one transaction: inserts the orders (a redelivered one is skipped by
/// <c>ON CONFLICT DO NOTHING</c>), then takes the units of the orders actually inserted off each stock's ledger row once,
/// guarded by <c>remaining &gt;= n</c>. One statement per hot ledger row per batch, not per order: a Postgres hot row
/// serialises on the WAL flush (docs/architecture.md, "One writer per hot ledger row"). The same round trip records the
/// batch's one <c>OrderStatusChanged</c> (confirmed) in the outbox and marks the items whose stock the batch's
/// checkouts moved.
/// </summary>
public sealed partial class OrderBatchWriter(
    NpgsqlDataSource dataSource,
    IOptions<OrderingOptions> ordering,
    TimeProvider time,
    ILogger<OrderBatchWriter> logger)
{
    // unnest of parallel arrays: one statement and one round trip whatever the batch size. An order expires
    // PaymentTimeout after the gate accepted it, not after the worker caught up with it.
    private const string InsertSql = """
        INSERT INTO orders (order_id, stock_id, buyer_id, quantity, unit_price, idempotency_key, status, reserved_at, expires_at, checkout_id)
        SELECT r.order_id, r.stock_id, r.buyer_id, r.quantity, r.unit_price, r.idempotency_key, @status, r.reserved_at, r.reserved_at + @timeout, r.checkout_id
        FROM unnest(@order_ids, @stock_ids, @buyer_ids, @quantities, @unit_prices, @keys, @reserved_at, @checkout_ids)
             AS r(order_id, stock_id, buyer_id, quantity, unit_price, idempotency_key, reserved_at, checkout_id)
        ON CONFLICT (order_id) DO NOTHING
        RETURNING order_id, stock_id, buyer_id, quantity, checkout_id
        """;

    private const string TakeFromLedgerSql =
        "UPDATE stocks SET remaining = remaining - @units, updated_at = now() WHERE stock_id = @stock AND remaining >= @units";

    /// <param name="beforeCommit">Called just before the commit is sent: from then on the orders may be visible.</param>
    /// <returns>The orders this transaction inserted (not those persisted before).</returns>
    /// <exception cref="LedgerRefusedException">A stock's ledger cannot cover the batch; nothing was persisted.</exception>
    public async Task<IReadOnlyList<PersistedOrder>> PersistAsync(IReadOnlyList<ReservationMessage> reservations, Action beforeCommit, CancellationToken cancellationToken)
    {
        // A checkout is one row per line, all in this transaction: its lines are persisted together or not at all.
        // The same order twice in one batch (a duplicate publish next to the original) is one row.
        var unique = reservations.SelectMany(r => r.ToOrderRows()).DistinctBy(r => r.OrderId).ToList();

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        var inserted = await InsertAsync(connection, transaction, unique, cancellationToken);
        if (inserted.Count > 0)
        {
            await TakeFromLedgerAsync(connection, transaction, inserted, time.GetUtcNow(), cancellationToken);
        }
        beforeCommit();
        await transaction.CommitAsync(cancellationToken);
        return inserted;
    }

    private async Task<List<PersistedOrder>> InsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        List<ReservationMessage> reservations, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(InsertSql, connection, transaction);
        var parameters = command.Parameters;
        parameters.Add(new NpgsqlParameter<string>("status", OrderStatus.ToDatabase(OrderStatus.Confirmed)));
        parameters.Add(new NpgsqlParameter<TimeSpan>("timeout", NpgsqlDbType.Interval) { TypedValue = ordering.Value.PaymentTimeout });
        parameters.Add(new NpgsqlParameter<Guid[]>("order_ids", [.. reservations.Select(r => r.OrderId)]));
        parameters.Add(new NpgsqlParameter<Guid[]>("stock_ids", [.. reservations.Select(r => r.StockId)]));
        parameters.Add(new NpgsqlParameter<string[]>("buyer_ids", [.. reservations.Select(r => r.BuyerId)]));
        parameters.Add(new NpgsqlParameter<int[]>("quantities", [.. reservations.Select(r => r.Quantity)]));
        parameters.Add(new NpgsqlParameter<decimal[]>("unit_prices", [.. reservations.Select(r => r.UnitPrice)]));
        parameters.Add(new NpgsqlParameter<string[]>("keys", [.. reservations.Select(r => r.IdempotencyKey)]));
        parameters.Add(new NpgsqlParameter<Guid?[]>("checkout_ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { TypedValue = [.. reservations.Select(r => r.CheckoutId)] });
        parameters.Add(new NpgsqlParameter<DateTime[]>("reserved_at", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz)
        {
            TypedValue = [.. reservations.Select(r => r.ReservedAt.UtcDateTime)],
        });

        var inserted = new List<PersistedOrder>(reservations.Count);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            inserted.Add(new PersistedOrder(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetInt32(3),
                reader.IsDBNull(4) ? null : reader.GetGuid(4)));
        }
        return inserted;
    }

    private async Task TakeFromLedgerAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        List<PersistedOrder> inserted, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Ledger rows are locked in one order (stock id) by every worker transaction that touches several, so two
        // of them can never deadlock on each other.
        var perStock = inserted.GroupBy(o => o.StockId).Select(g => (StockId: g.Key, Units: g.Sum(o => o.Quantity))).OrderBy(s => s.StockId).ToList();
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var (stockId, units) in perStock)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(TakeFromLedgerSql)
            {
                Parameters =
                {
                    new NpgsqlParameter<Guid>("stock", stockId),
                    new NpgsqlParameter<int>("units", units),
                },
            });
        }
        // Announced with the orders themselves: one event per batch (the batch's span is the current activity).
        batch.BatchCommands.Add(OrderingOutbox.OrderStatusChanged(OrderEventStatus.Confirmed, [.. inserted.Select(o => o.ToStatusLine())],
            TraceParents.Current(), now));
        if (OrderingOutbox.ItemStocksMoved(perStock.Select(s => s.StockId)) is { } itemStocksMoved)
        {
            batch.BatchCommands.Add(itemStocksMoved);
        }
        await batch.ExecuteNonQueryAsync(cancellationToken);
        for (var i = 0; i < perStock.Count; i++)
        {
            if (batch.BatchCommands[i].RecordsAffected != 1)
            {
                // The transaction is rolled back when disposed: no order of this batch is kept.
                LogOversellRefused(logger, perStock[i].StockId, perStock[i].Units);
                throw new LedgerRefusedException(perStock[i].StockId, perStock[i].Units);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error,
        Message = "Oversell refused: the ledger of stock {StockId} cannot cover {Units} more units; the batch is rolled back and will be retried, then dead-lettered")]
    private static partial void LogOversellRefused(ILogger logger, Guid stockId, int units);
}
