using Npgsql;
using Shop.Ordering.Core.Redis;
using StackExchange.Redis;

namespace Shop.Ordering.Core.Reconciliation;

/// <summary>
/// Measures a stock's invariant from the ledger (Postgres) and the gate (Redis). The two reads are not one snapshot:
/// the caller says how many of the stock's units are committed in the ledger but not yet settled in the gate (still
/// "pending" there), and a measurement taken while an order moves between the two stores (the worker's commit and
/// settle, a release and its mark) can be off; the worker measures only between such moves (its
/// <c>GateMoves</c>), anyone else judges over several measurements. Its cost follows what is new, not what was ever
/// sold: the ledger terms are counters and unapplied releases, and the per-buyer check can be limited to the buyers of
/// orders from a given one on (order ids are UUIDv7, ordered by the time the gate accepted them).
/// </summary>
public sealed class StockReconciler(NpgsqlDataSource dataSource, IConnectionMultiplexer redis, TimeProvider time)
{
    private const string LedgerSql = """
        SELECT s.initial_quantity, s.remaining, s.per_buyer_limit,
               COALESCE((SELECT sum(r.quantity) FROM stock_releases r WHERE r.stock_id = s.stock_id AND r.applied_at IS NULL), 0)::int
        FROM stocks s WHERE s.stock_id = @stock
        """;

    private const string AllBuyersOverLimitSql = """
        SELECT o.buyer_id, sum(o.quantity)::int
        FROM orders o JOIN stocks s ON s.stock_id = o.stock_id
        WHERE o.stock_id = @stock AND o.status IN ('Confirmed', 'Paid')
        GROUP BY o.buyer_id, s.per_buyer_limit
        HAVING sum(o.quantity) > s.per_buyer_limit
        ORDER BY o.buyer_id LIMIT 100
        """;

    // The buyers of the orders from @since on, then each one's units in the stock. Written so that its plan does not
    // depend on the stock's statistics: while a stock is new (its first minutes: its peak) autovacuum has not analysed
    // its rows, the planner believes the stock has none, and any plan that looks the stock up by `stock_id` re-reads all
    // of the stock's orders once per new order or buyer: quadratic. The earlier `buyer_id IN (SELECT ...)` form took
    // 140 s for a new stock's 38,000 orders and 0.7 core of the bench's ramp
    // (bench/results/2026-12-07-reconciliation-stale-stats.md). So each `OFFSET 0` subquery is a fence the planner
    // does not push the stock's condition into: the new orders come from a range of the primary key (UUIDv7: by time),
    // each buyer's units from the buyer index, the stock filtered after. Linear in the new orders and their buyers'
    // orders, whatever the statistics say.
    private const string NewBuyersOverLimitSql = """
        WITH new_buyers AS MATERIALIZED (
            SELECT DISTINCT n.buyer_id
            FROM (SELECT buyer_id, stock_id FROM orders WHERE order_id >= @since OFFSET 0) n
            WHERE n.stock_id = @stock)
        SELECT b.buyer_id, units.sold
        FROM new_buyers b
        JOIN stocks s ON s.stock_id = @stock
        CROSS JOIN LATERAL (
            SELECT sum(o.quantity)::int AS sold
            FROM (SELECT quantity, stock_id, status FROM orders WHERE buyer_id = b.buyer_id OFFSET 0) o
            WHERE o.stock_id = @stock AND o.status IN ('Confirmed', 'Paid')) units
        WHERE units.sold > s.per_buyer_limit
        ORDER BY b.buyer_id LIMIT 100
        """;

    /// <summary>The smallest UUIDv7 of a moment: every order the gate accepted from then on has an id at least this.</summary>
    public static Guid FirstOrderIdAt(DateTimeOffset moment)
    {
        var ms = Math.Max(0, moment.ToUnixTimeMilliseconds());
        return Guid.ParseExact($"{ms >> 16:x8}-{ms & 0xFFFF:x4}-7000-8000-000000000000", "D");
    }

    /// <summary>The stock invariant and the per-buyer limit in one call; null when the stock is not in the ledger.</summary>
    /// <param name="unsettledUnits">Units committed in the ledger whose entries the gate has not settled yet.</param>
    /// <param name="buyersFrom">Check only the buyers of orders with an id from this one on; null checks every buyer.</param>
    public async Task<ReconciliationReport?> MeasureAsync(Guid stockId, long unsettledUnits, Guid? buyersFrom, CancellationToken cancellationToken) =>
        (await MeasureStockAsync(stockId, unsettledUnits, cancellationToken).ConfigureAwait(false))
            ?.WithBuyersOverLimit(await BuyersOverLimitAsync(stockId, buyersFrom, cancellationToken).ConfigureAwait(false));

    /// <summary>
    /// The stock invariant's terms, from the ledger's row and unapplied releases and the gate's stock and pending: a
    /// few rows, whatever the stock has sold, so that it can be taken again and again until no order was moving. No
    /// buyer is checked (<see cref="ReconciliationReport.BuyersOverLimit"/> empty). Null when the stock is not in the ledger.
    /// </summary>
    public async Task<ReconciliationReport?> MeasureStockAsync(Guid stockId, long unsettledUnits, CancellationToken cancellationToken)
    {
        int initial, remaining, limit, releasing;
        await using (var ledger = dataSource.CreateCommand(LedgerSql))
        {
            ledger.Parameters.AddWithValue("stock", stockId);
            await using var reader = await ledger.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }
            (initial, remaining, limit, releasing) = (reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3));
        }

        var gate = await redis.GetDatabase().HashGetAsync(GateKeys.Stock(stockId), ["stock", "pending"]).ConfigureAwait(false);
        long? stock = gate[0].IsNull ? null : (long)gate[0];
        // Units still "pending" in the gate although their order is committed are sold, not in flight.
        long? inFlight = gate[1].IsNull ? null : (long)gate[1] - unsettledUnits;
        var sold = initial - remaining;
        var holds = stock is not null && inFlight is not null
            && stock + inFlight + sold + releasing == initial
            && stock >= 0 && inFlight >= 0;
        return new ReconciliationReport(stockId, initial, stock, inFlight, sold, releasing, remaining, limit, [], holds, time.GetUtcNow());
    }

    /// <summary>
    /// Buyers holding more than the stock's limit in Confirmed and Paid orders (at most 100), from the ledger alone: it
    /// needs no quiet moment. With <paramref name="buyersFrom"/>, only the buyers of orders with an id from that one on,
    /// so its cost follows the orders since then, not the stock's.
    /// </summary>
    public async Task<IReadOnlyList<BuyerOverLimit>> BuyersOverLimitAsync(Guid stockId, Guid? buyersFrom, CancellationToken cancellationToken)
    {
        var overLimit = new List<BuyerOverLimit>();
        await using var buyers = dataSource.CreateCommand(buyersFrom is null ? AllBuyersOverLimitSql : NewBuyersOverLimitSql);
        buyers.Parameters.AddWithValue("stock", stockId);
        if (buyersFrom is { } since)
        {
            buyers.Parameters.AddWithValue("since", since);
        }
        await using var reader = await buyers.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            overLimit.Add(new BuyerOverLimit(reader.GetString(0), reader.GetInt32(1)));
        }
        return overLimit;
    }

    /// <summary>
    /// Measures up to <paramref name="attempts"/> times until the invariant holds, every buyer checked and nothing
    /// assumed unsettled: a violation that persists across every measurement is real, one that vanishes was an order
    /// moving between the two stores. For a reader outside the worker (the API's admin endpoint).
    /// </summary>
    public async Task<ReconciliationReport?> ReconcileAsync(Guid stockId, int attempts, TimeSpan spacing, CancellationToken cancellationToken)
    {
        ReconciliationReport? report = null;
        for (var attempt = 0; attempt < attempts; attempt++)
        {
            report = await MeasureAsync(stockId, unsettledUnits: 0, buyersFrom: null, cancellationToken).ConfigureAwait(false);
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
