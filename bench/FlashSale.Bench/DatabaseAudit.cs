using System.Diagnostics;
using Npgsql;

namespace Shop.Bench;

/// <summary>What the database holds after a sale, checked against what the generator was told.</summary>
public sealed record AuditResult
{
    public required string Table { get; init; }

    public required int Stock { get; init; }

    public required int PerBuyerLimit { get; init; }

    /// <summary>Distinct order ids in 202 answers.</summary>
    public required long AcceptedOrders { get; init; }

    public required long AcceptedUnits { get; init; }

    public required long OrdersInDatabase { get; init; }

    public required long UnitsInDatabase { get; init; }

    /// <summary>Units in the database beyond the stock.</summary>
    public required long Oversell { get; init; }

    /// <summary>One order id answered to two different requests, or two rows for one (buyer, idempotency key).</summary>
    public required long Duplicates { get; init; }

    /// <summary>Accepted order ids not in the table once the pipeline has drained (or the deadline passed).</summary>
    public required long Lost { get; init; }

    /// <summary>Orders in the table whose request got no 202 (e.g. the answer was lost in a timeout): not a loss, but not seen by the buyer.</summary>
    public required long Unacknowledged { get; init; }

    public required long BuyersOverLimit { get; init; }

    /// <summary>For Shop: the ledger's remaining equals the stock minus the units in orders.</summary>
    public required bool? LedgerAgrees { get; init; }

    /// <summary>Whether every accepted order was found before the deadline.</summary>
    public required bool Drained { get; init; }

    /// <summary>The latest confirmed_at (Shop) or created_at (baseline): when the last order became durable.</summary>
    public required DateTimeOffset? LastDurableAt { get; init; }

    /// <summary>When the audit's polling first saw every accepted order in the table (an upper bound of the above).</summary>
    public required DateTimeOffset? ObservedCompleteAt { get; init; }

    public bool Clean => Oversell == 0 && Duplicates == 0 && Lost == 0 && BuyersOverLimit == 0 && LedgerAgrees != false;
}

/// <summary>
/// After a sale: waits (with a deadline) until the pipeline has made every accepted reservation durable, then
/// reads the sale's orders and counts oversell, duplicates, lost and unacknowledged orders and buyers above
/// the limit. Shop's orders are in orderingdb's <c>orders</c> (plus the <c>stocks</c> ledger, both keyed by <c>stock_id</c>),
/// the baseline's in baselinedb's <c>baseline_orders</c> (plus <c>baseline_sales</c>, keyed by <c>sale_id</c>).
/// </summary>
public static class DatabaseAudit
{
    public static Task<AuditResult> AuditShopAsync(NpgsqlDataSource db, Guid saleId, int stock, int limit, IReadOnlyList<AcceptedOrder> accepted, TimeSpan deadline, CancellationToken cancellationToken) =>
        AuditAsync(db, "orders", "stock_id", "confirmed_at", "SELECT remaining FROM stocks WHERE stock_id = @s", saleId, stock, limit, accepted, deadline, cancellationToken);

    public static Task<AuditResult> AuditBaselineAsync(NpgsqlDataSource db, Guid saleId, int stock, int limit, IReadOnlyList<AcceptedOrder> accepted, TimeSpan deadline, CancellationToken cancellationToken) =>
        AuditAsync(db, "baseline_orders", "sale_id", "created_at", "SELECT remaining FROM baseline_sales WHERE sale_id = @s", saleId, stock, limit, accepted, deadline, cancellationToken);

    private static async Task<AuditResult> AuditAsync(NpgsqlDataSource db, string table, string saleColumn, string durableColumn, string remainingSql, Guid saleId,
        int stock, int limit, IReadOnlyList<AcceptedOrder> accepted, TimeSpan deadline, CancellationToken cancellationToken)
    {
        var acceptedIds = accepted.Select(a => a.OrderId).ToHashSet();
        var duplicateAnswers = accepted.Count - acceptedIds.Count;

        // Wait for the pipeline: first a cheap count of the sale's orders (the worker is busy: poll lightly), then
        // the full read; if an accepted id is still missing, read again until the deadline.
        var watch = Stopwatch.StartNew();
        DateTimeOffset? observedComplete = null;
        while (await CountAsync(db, table, saleColumn, saleId, cancellationToken).ConfigureAwait(false) < acceptedIds.Count && watch.Elapsed < deadline)
        {
            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }
        List<(Guid OrderId, string Buyer, string Key, int Quantity, DateTimeOffset DurableAt)> rows;
        while (true)
        {
            var seenAt = DateTimeOffset.UtcNow;
            rows = await ReadOrdersAsync(db, table, saleColumn, durableColumn, saleId, cancellationToken).ConfigureAwait(false);
            if (acceptedIds.IsSubsetOf(rows.Select(r => r.OrderId)))
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

        long? remaining = null;
        await using (var command = db.CreateCommand(remainingSql))
        {
            command.Parameters.AddWithValue("s", saleId);
            if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is int value)
            {
                remaining = value;
            }
        }

        var unitsInDatabase = rows.Sum(r => (long)r.Quantity);
        var inDatabase = rows.Select(r => r.OrderId).ToHashSet();
        return new AuditResult
        {
            Table = table,
            Stock = stock,
            PerBuyerLimit = limit,
            AcceptedOrders = acceptedIds.Count,
            AcceptedUnits = accepted.DistinctBy(a => a.OrderId).Sum(a => (long)a.Quantity),
            OrdersInDatabase = rows.Count,
            UnitsInDatabase = unitsInDatabase,
            Oversell = Math.Max(0, unitsInDatabase - stock),
            Duplicates = duplicateAnswers + rows.GroupBy(r => (r.Buyer, r.Key)).Sum(g => g.Count() - 1),
            Lost = acceptedIds.Count(id => !inDatabase.Contains(id)),
            Unacknowledged = inDatabase.Count(id => !acceptedIds.Contains(id)),
            BuyersOverLimit = rows.GroupBy(r => r.Buyer).Count(g => g.Sum(r => r.Quantity) > limit),
            LedgerAgrees = remaining is null ? null : remaining == stock - unitsInDatabase,
            Drained = observedComplete is not null,
            LastDurableAt = rows.Count == 0 ? null : rows.Max(r => r.DurableAt),
            ObservedCompleteAt = observedComplete,
        };
    }

    private static async Task<long> CountAsync(NpgsqlDataSource db, string table, string saleColumn, Guid saleId, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand($"SELECT count(*) FROM {table} WHERE {saleColumn} = @s");
        command.Parameters.AddWithValue("s", saleId);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<List<(Guid OrderId, string Buyer, string Key, int Quantity, DateTimeOffset DurableAt)>> ReadOrdersAsync(
        NpgsqlDataSource db, string table, string saleColumn, string durableColumn, Guid saleId, CancellationToken cancellationToken)
    {
        var rows = new List<(Guid OrderId, string Buyer, string Key, int Quantity, DateTimeOffset DurableAt)>();
        await using var command = db.CreateCommand($"SELECT order_id, buyer_id, idempotency_key, quantity, {durableColumn} FROM {table} WHERE {saleColumn} = @s");
        command.Parameters.AddWithValue("s", saleId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add((reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.GetFieldValue<DateTimeOffset>(4)));
        }
        return rows;
    }
}
