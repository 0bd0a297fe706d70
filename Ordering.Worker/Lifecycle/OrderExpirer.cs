using Microsoft.Extensions.Options;
using Npgsql;

namespace Shop.Ordering.Worker.Lifecycle;

/// <summary>
/// Expires confirmed orders whose payment deadline has passed, in one transaction per round: the orders become
/// Expired, each gets its stock_releases row, and every sale's ledger gets the units back once. The release
/// rows are what later gives the units back to the gate, exactly once (<see cref="ReleaseApplier"/>).
/// </summary>
public sealed class OrderExpirer(NpgsqlDataSource dataSource, IOptions<WorkerOptions> options)
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
            RETURNING o.order_id, o.sale_id, o.buyer_id, o.quantity
        )
        INSERT INTO stock_releases (order_id, sale_id, buyer_id, quantity)
        SELECT order_id, sale_id, buyer_id, quantity FROM expired
        ON CONFLICT (order_id) DO NOTHING
        RETURNING sale_id, quantity
        """;

    private const string ReturnToLedgerSql = "UPDATE flash_sales SET remaining = remaining + @units, updated_at = now() WHERE sale_id = @sale";

    /// <returns>How many orders expired and were released in this round (a full round means more may be due).</returns>
    public async Task<int> ExpireDueAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        var released = new List<(Guid SaleId, int Quantity)>();
        await using (var expire = new NpgsqlCommand(ExpireSql, connection, transaction))
        {
            expire.Parameters.Add(new NpgsqlParameter<int>("limit", options.Value.ExpiryBatchSize));
            await using var reader = await expire.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                released.Add((reader.GetGuid(0), reader.GetInt32(1)));
            }
        }
        if (released.Count == 0)
        {
            // Usually nothing was due. An order that already had a release row (never expected) is expired
            // without a second one: its units went back when that row was written.
            await transaction.CommitAsync(cancellationToken);
            return 0;
        }

        // Same lock order as the batch writer (by sale id): no deadlock between the two.
        await using var ledger = new NpgsqlBatch(connection, transaction);
        foreach (var sale in released.GroupBy(r => r.SaleId).OrderBy(g => g.Key))
        {
            ledger.BatchCommands.Add(new NpgsqlBatchCommand(ReturnToLedgerSql)
            {
                Parameters =
                {
                    new NpgsqlParameter<Guid>("sale", sale.Key),
                    new NpgsqlParameter<int>("units", sale.Sum(r => r.Quantity)),
                },
            });
        }
        await ledger.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return released.Count;
    }
}
