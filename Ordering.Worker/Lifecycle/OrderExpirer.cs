using Microsoft.Extensions.Options;
using Npgsql;
using Shop.IntegrationEvents;
using Shop.Ordering.Core.Events;
using Shop.ServiceDefaults.Telemetry;

namespace Shop.Ordering.Worker.Lifecycle;

/// <summary>
/// Expires confirmed orders whose payment deadline has passed, in one transaction per round: the orders become
/// Expired, each gets its stock_releases row, and every stock's ledger gets the units back once. The release
/// rows are what later gives the units back to the gate, exactly once (<see cref="ReleaseApplier"/>). The round's one
/// <c>OrderStatusChanged</c> (expired) goes into the outbox in the same transaction.
/// </summary>
public sealed class OrderExpirer(NpgsqlDataSource dataSource, IOptions<WorkerOptions> options, TimeProvider time)
{
    // SKIP LOCKED: an order the API is paying or cancelling right now is left alone (it will not be Confirmed
    // when it is unlocked, or it is picked up next round). The status is checked again by the UPDATE itself.
    private const string ExpireSql = """
        WITH due AS (
            SELECT order_id FROM orders
            WHERE status = 'Confirmed' AND expires_at <= now()
            ORDER BY expires_at
            LIMIT @limit
            FOR UPDATE SKIP LOCKED
        ), expired AS (
            UPDATE orders o SET status = 'Expired', closed_at = now()
            FROM due WHERE o.order_id = due.order_id AND o.status = 'Confirmed'
            RETURNING o.order_id, o.checkout_id, o.stock_id, o.buyer_id, o.quantity
        ), released AS (
            INSERT INTO stock_releases (order_id, stock_id, buyer_id, quantity)
            SELECT order_id, stock_id, buyer_id, quantity FROM expired
            ON CONFLICT (order_id) DO NOTHING
            RETURNING order_id
        )
        SELECT e.order_id, e.checkout_id, e.stock_id, e.buyer_id, e.quantity, r.order_id IS NOT NULL
        FROM expired e LEFT JOIN released r ON r.order_id = e.order_id
        """;

    private const string ReturnToLedgerSql = "UPDATE stocks SET remaining = remaining + @units, updated_at = now() WHERE stock_id = @stock";

    /// <returns>How many orders expired and were released in this round (a full round means more may be due).</returns>
    public async Task<int> ExpireDueAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        var expired = new List<OrderStatusLine>();
        var released = new List<(Guid StockId, int Quantity)>();
        await using (var expire = new NpgsqlCommand(ExpireSql, connection, transaction))
        {
            expire.Parameters.Add(new NpgsqlParameter<int>("limit", options.Value.ExpiryBatchSize));
            await using var reader = await expire.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var order = new OrderStatusLine(reader.GetGuid(0), reader.IsDBNull(1) ? null : reader.GetGuid(1), reader.GetString(3),
                    reader.GetGuid(2), reader.GetInt32(4));
                expired.Add(order);
                // An order that already had a release row (never expected) is expired without a second one: its units
                // went back when that row was written.
                if (reader.GetBoolean(5))
                {
                    released.Add((order.StockId, order.Units));
                }
            }
        }
        if (expired.Count == 0)
        {
            // Usually nothing was due.
            await transaction.CommitAsync(cancellationToken);
            return 0;
        }

        // Same lock order as the batch writer (by stock id): no deadlock between the two.
        await using var ledger = new NpgsqlBatch(connection, transaction);
        foreach (var stock in released.GroupBy(r => r.StockId).OrderBy(g => g.Key))
        {
            ledger.BatchCommands.Add(new NpgsqlBatchCommand(ReturnToLedgerSql)
            {
                Parameters =
                {
                    new NpgsqlParameter<Guid>("stock", stock.Key),
                    new NpgsqlParameter<int>("units", stock.Sum(r => r.Quantity)),
                },
            });
        }
        ledger.BatchCommands.Add(OrderingOutbox.OrderStatusChanged(OrderEventStatus.Expired, expired, TraceParents.Current(), time.GetUtcNow()));
        await ledger.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return expired.Count;
    }
}
