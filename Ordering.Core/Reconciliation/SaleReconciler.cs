using Npgsql;
using Shop.Ordering.Core.Redis;
using StackExchange.Redis;

namespace Shop.Ordering.Core.Reconciliation;

/// <summary>
/// Measures a sale's invariant from the ledger (Postgres) and the gate (Redis). The two reads are not one
/// snapshot: while orders move (a confirm or a release is two small steps, Redis then Postgres) a single
/// measurement can be off for a few milliseconds, so callers judge a violation over several measurements.
/// </summary>
public sealed class SaleReconciler(NpgsqlDataSource dataSource, IConnectionMultiplexer redis, TimeProvider time)
{
    private const string LedgerSql = """
        SELECT s.initial_quantity, s.remaining, s.per_buyer_limit,
               COALESCE((SELECT sum(o.quantity) FROM orders o WHERE o.sale_id = s.sale_id AND NOT o.gate_confirmed), 0)::int,
               COALESCE((SELECT sum(r.quantity) FROM stock_releases r WHERE r.sale_id = s.sale_id AND r.applied_at IS NULL), 0)::int
        FROM flash_sales s WHERE s.sale_id = @sale
        """;

    private const string BuyersOverLimitSql = """
        SELECT o.buyer_id, sum(o.quantity)::int
        FROM orders o JOIN flash_sales s ON s.sale_id = o.sale_id
        WHERE o.sale_id = @sale AND o.status IN ('Confirmed', 'Paid')
        GROUP BY o.buyer_id, s.per_buyer_limit
        HAVING sum(o.quantity) > s.per_buyer_limit
        ORDER BY o.buyer_id LIMIT 100
        """;

    /// <summary>Null when the sale is not in the ledger.</summary>
    public async Task<ReconciliationReport?> MeasureAsync(Guid saleId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        // One snapshot for all ledger figures.
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        int initial, remaining, limit, unconfirmedInGate, releasing;
        await using (var ledger = new NpgsqlCommand(LedgerSql, connection, transaction))
        {
            ledger.Parameters.AddWithValue("sale", saleId);
            await using var reader = await ledger.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }
            (initial, remaining, limit, unconfirmedInGate, releasing) =
                (reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetInt32(4));
        }
        var overLimit = new List<BuyerOverLimit>();
        await using (var buyers = new NpgsqlCommand(BuyersOverLimitSql, connection, transaction))
        {
            buyers.Parameters.AddWithValue("sale", saleId);
            await using var reader = await buyers.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                overLimit.Add(new BuyerOverLimit(reader.GetString(0), reader.GetInt32(1)));
            }
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);

        var gate = await redis.GetDatabase().HashGetAsync(GateKeys.Sale(saleId), ["stock", "pending"]).ConfigureAwait(false);
        long? stock = gate[0].IsNull ? null : (long)gate[0];
        // Units still "pending" in the gate although their order is committed are sold, not in flight.
        long? inFlight = gate[1].IsNull ? null : (long)gate[1] - unconfirmedInGate;
        var sold = initial - remaining;
        var holds = stock is not null && inFlight is not null
            && stock + inFlight + sold + releasing == initial
            && stock >= 0 && inFlight >= 0
            && overLimit.Count == 0;
        return new ReconciliationReport(saleId, initial, stock, inFlight, sold, releasing, remaining, limit, overLimit, holds, time.GetUtcNow());
    }

    /// <summary>
    /// Measures up to <paramref name="attempts"/> times until the invariant holds: a violation that persists across
    /// every measurement is real, one that vanishes was an order moving between the two stores.
    /// </summary>
    public async Task<ReconciliationReport?> ReconcileAsync(Guid saleId, int attempts, TimeSpan spacing, CancellationToken cancellationToken)
    {
        ReconciliationReport? report = null;
        for (var attempt = 0; attempt < attempts; attempt++)
        {
            report = await MeasureAsync(saleId, cancellationToken).ConfigureAwait(false);
            if (report is null || report.Holds)
            {
                return report;
            }
            if (attempt < attempts - 1)
            {
                // Sampling interval between measurements, long enough for an order to finish moving.
                await Task.Delay(spacing, time, cancellationToken).ConfigureAwait(false);
            }
        }
        return report;
    }
}
