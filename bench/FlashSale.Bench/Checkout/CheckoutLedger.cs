using System.Diagnostics;
using System.Globalization;
using Npgsql;
using Shop.Ordering.Core;

namespace Shop.Bench.Checkout;

/// <summary>
/// Reads a checkout run's order lines and item ledgers from orderingdb (every row of the run's items' stocks: the
/// items are the run's own), waiting with a deadline until the pipeline has made every accepted order durable with
/// all its lines, then hands them to <see cref="CheckoutAudit"/>.
/// </summary>
public static class CheckoutLedger
{
    private const string LinesSql =
        "SELECT order_id, checkout_id, stock_id, buyer_id, idempotency_key, quantity, status, confirmed_at FROM orders WHERE stock_id = ANY(@stocks)";

    private const string LedgersSql =
        $"SELECT stock_id, initial_quantity, remaining FROM stocks WHERE stock_id = ANY(@stocks) AND kind = '{ItemStocks.Kind}'";

    public static async Task<CheckoutAuditResult> AuditAsync(NpgsqlDataSource db, BasketPlan plan, IReadOnlyList<CheckoutAnswer> answers, int stockPerItem,
        TimeSpan deadline, CancellationToken cancellationToken)
    {
        var stocks = plan.Items.Select(ItemStocks.StockId).ToArray();
        var expectedLines = answers.Where(a => a.Kind == CheckoutAnswerKind.Accepted).DistinctBy(a => a.OrderId).Sum(a => (long)plan.Attempts[a.Attempt].Lines.Count);
        var watch = Stopwatch.StartNew();
        // The worker is busy with the backlog: a cheap count first, polled lightly, then the full read until it is complete.
        while (await CountAsync(db, stocks, cancellationToken).ConfigureAwait(false) < expectedLines && watch.Elapsed < deadline)
        {
            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }
        DateTimeOffset? observedComplete = null;
        List<OrderLineRow> rows;
        while (true)
        {
            var seenAt = DateTimeOffset.UtcNow;
            rows = await ReadLinesAsync(db, stocks, cancellationToken).ConfigureAwait(false);
            if (CheckoutAudit.Complete(plan.Attempts, answers, rows))
            {
                observedComplete = seenAt;
                break;
            }
            if (watch.Elapsed > deadline)
            {
                break;
            }
            await Task.Delay(250, cancellationToken).ConfigureAwait(false);
        }
        // The ledger is decremented in the same transaction as the rows are inserted: read after the rows, it agrees with them.
        var ledgers = await ReadLedgersAsync(db, stocks, cancellationToken).ConfigureAwait(false);
        return CheckoutAudit.Evaluate(plan.Attempts, answers, stockPerItem, plan.Items, rows, ledgers, observedComplete is not null, observedComplete);
    }

    private static async Task<long> CountAsync(NpgsqlDataSource db, Guid[] stocks, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("SELECT count(*) FROM orders WHERE stock_id = ANY(@stocks)");
        command.Parameters.AddWithValue("stocks", stocks);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    private static async Task<List<OrderLineRow>> ReadLinesAsync(NpgsqlDataSource db, Guid[] stocks, CancellationToken cancellationToken)
    {
        var rows = new List<OrderLineRow>();
        await using var command = db.CreateCommand(LinesSql);
        command.Parameters.AddWithValue("stocks", stocks);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new OrderLineRow(reader.GetGuid(0), reader.IsDBNull(1) ? null : reader.GetGuid(1), reader.GetGuid(2), reader.GetString(3), reader.GetString(4),
                reader.GetInt32(5), reader.GetString(6), reader.GetFieldValue<DateTimeOffset>(7)));
        }
        return rows;
    }

    private static async Task<List<ItemLedger>> ReadLedgersAsync(NpgsqlDataSource db, Guid[] stocks, CancellationToken cancellationToken)
    {
        var ledgers = new List<ItemLedger>();
        await using var command = db.CreateCommand(LedgersSql);
        command.Parameters.AddWithValue("stocks", stocks);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            ledgers.Add(new ItemLedger(reader.GetGuid(0), reader.GetInt32(1), reader.GetInt32(2)));
        }
        return ledgers;
    }
}
