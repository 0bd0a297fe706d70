using System.Data;
using System.Globalization;
using Microsoft.Extensions.Options;
using Npgsql;
using Shop.Ordering.Core;
using Shop.Ordering.Core.Redis;
using StackExchange.Redis;

namespace Shop.Ordering.Worker.Gate;

/// <summary>What a rebuild wrote.</summary>
public sealed record RebuildSummary(int Stocks, int Buyers, int Answers, int ReleasesMarked);

/// <summary>
/// Writes the gate state of stocks from the ledger, in one REPEATABLE READ snapshot of orderingdb: per stock,
/// <c>meta</c> (stock = ledger remaining, pending = 0, the definition), <c>buyers</c> (units held in Confirmed and
/// Paid orders) and <c>answers</c> (every order's idempotency answer), each stock's keys replaced in one MULTI, the
/// holdings and answers kept as reserve.lua keeps them (until the stock's end plus the retention). In the same snapshot
/// it marks every release as applied, because the state it writes already reflects them (so no release of an order
/// before the rebuild reaches release.lua again, and no record of them is needed in the gate). Rows committed after the snapshot are in neither the state nor the marks, and the
/// batch loop and the release applier deal with them as usual. Callers hold the <see cref="GateWriteLock"/>, which the
/// batch loop holds from reading a batch to settling it: no batch is half persisted while the gate is rebuilt.
/// </summary>
public sealed class GateRebuilder(NpgsqlDataSource dataSource, IConnectionMultiplexer redis, IOptions<OrderingOptions> ordering)
{
    // HSET/SADD arguments per command: large stocks are written in slices rather than one huge command.
    private const int Slice = 1000;

    private const string StocksSql = $"SELECT {StockRow.Columns} FROM stocks WHERE @stock IS NULL OR stock_id = @stock ORDER BY stock_id";

    private const string MarkReleasesSql =
        "UPDATE stock_releases SET applied_at = now() WHERE applied_at IS NULL AND (@stock IS NULL OR stock_id = @stock)";

    private const string BuyersSql = """
        SELECT buyer_id, sum(quantity)::int FROM orders
        WHERE stock_id = @stock AND status IN ('Confirmed', 'Paid') GROUP BY buyer_id
        """;

    private const string AnswersSql = "SELECT buyer_id, idempotency_key, order_id, quantity FROM orders WHERE stock_id = @stock";

    // The answers checkout.lua keeps per buyer: key → "checkoutId|itemId:quantity,…" in item order (GateClient.CheckoutFingerprint).
    private const string CheckoutAnswersSql = """
        SELECT o.buyer_id, o.idempotency_key, o.checkout_id, string_agg(s.item_id || ':' || o.quantity, ',' ORDER BY s.item_id)
        FROM orders o JOIN stocks s ON s.stock_id = o.stock_id
        WHERE o.checkout_id IS NOT NULL
        GROUP BY o.buyer_id, o.idempotency_key, o.checkout_id
        """;

    /// <summary>Rebuilds every stock (<paramref name="stockId"/> null) or one stock.</summary>
    public async Task<RebuildSummary> RebuildAsync(Guid? stockId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // One snapshot for everything read and marked: the state written and the marks agree exactly.
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);

        var stocks = new List<StockRow>();
        await using (var command = Command(connection, transaction, StocksSql, stockId))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                stocks.Add(StockRow.Read(reader));
            }
        }

        // Marked first: a conflict with a concurrent change (a serialization failure) aborts before Redis is touched.
        int releasesMarked;
        await using (var command = Command(connection, transaction, MarkReleasesSql, stockId))
        {
            releasesMarked = await command.ExecuteNonQueryAsync(cancellationToken);
        }

        var database = redis.GetDatabase();
        var ttl = ordering.Value.ReservationRetention;
        int buyers = 0, answers = 0;
        foreach (var stock in stocks)
        {
            var holdings = await ReadAsync(connection, transaction, BuyersSql, stock.StockId,
                r => new HashEntry(r.GetString(0), r.GetInt32(1)), cancellationToken);
            var stockAnswers = await ReadAsync(connection, transaction, AnswersSql, stock.StockId,
                r => new HashEntry($"{r.GetString(0)}|{r.GetString(1)}", $"{r.GetGuid(2):N}|{r.GetInt32(3).ToString(CultureInfo.InvariantCulture)}"),
                cancellationToken);

            var multi = database.CreateTransaction();
            var writes = new List<Task>
            {
                multi.KeyDeleteAsync([GateKeys.Stock(stock.StockId), GateKeys.Buyers(stock.StockId), GateKeys.Answers(stock.StockId)]),
                multi.HashSetAsync(GateKeys.Stock(stock.StockId), stock.MetaEntries()),
            };
            writes.AddRange(holdings.Chunk(Slice).Select(slice => multi.HashSetAsync(GateKeys.Buyers(stock.StockId), slice)));
            writes.AddRange(stockAnswers.Chunk(Slice).Select(slice => multi.HashSetAsync(GateKeys.Answers(stock.StockId), slice)));
            if (GateClient.SaleStateKeptUntil(stock.EndsAt, ordering.Value) is { } keptUntil)
            {
                writes.Add(multi.KeyExpireAsync(GateKeys.Buyers(stock.StockId), keptUntil.UtcDateTime));
                writes.Add(multi.KeyExpireAsync(GateKeys.Answers(stock.StockId), keptUntil.UtcDateTime));
            }
            // The stock and the accepted keys were replaced: replicas answering "sold out" from memory ask again.
            writes.Add(multi.PublishAsync(GateKeys.StockReopened, stock.StockId.ToString("N")));
            if (!await multi.ExecuteAsync())
            {
                throw new InvalidOperationException($"Redis did not execute the rebuild of stock {stock.StockId}.");
            }
            await Task.WhenAll(writes);
            (buyers, answers) = (buyers + holdings.Count, answers + stockAnswers.Count);
        }

        if (stockId is null)
        {
            // A whole rebuild (the gate lost its data) also restores every checkout's first answer, so that a retry
            // of a checkout accepted before the loss gets its order back rather than a second one.
            answers += await RebuildCheckoutAnswersAsync(connection, transaction, database, ttl, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return new RebuildSummary(stocks.Count, buyers, answers, releasesMarked);
    }

    private static async Task<int> RebuildCheckoutAnswersAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IDatabase database,
        TimeSpan ttl, CancellationToken cancellationToken)
    {
        var perBuyer = new Dictionary<string, List<HashEntry>>();
        await using (var command = new NpgsqlCommand(CheckoutAnswersSql, connection, transaction))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var buyer = reader.GetString(0);
                if (!perBuyer.TryGetValue(buyer, out var entries))
                {
                    perBuyer[buyer] = entries = [];
                }
                entries.Add(new HashEntry(reader.GetString(1), $"{reader.GetGuid(2):N}|{reader.GetString(3)}"));
            }
        }
        var writes = new List<Task>();
        foreach (var (buyer, entries) in perBuyer)
        {
            writes.AddRange(entries.Chunk(Slice).Select(slice => database.HashSetAsync(GateKeys.BuyerCheckouts(buyer), slice)));
            writes.Add(database.KeyExpireAsync(GateKeys.BuyerCheckouts(buyer), ttl));
        }
        await Task.WhenAll(writes);
        return perBuyer.Values.Sum(e => e.Count);
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, Guid? stockId) => new(sql, connection, transaction)
    {
        Parameters = { new NpgsqlParameter("stock", NpgsqlTypes.NpgsqlDbType.Uuid) { Value = stockId is { } id ? id : DBNull.Value } },
    };

    private static async Task<List<T>> ReadAsync<T>(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, Guid stockId,
        Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    {
        var rows = new List<T>();
        await using var command = Command(connection, transaction, sql, stockId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(read(reader));
        }
        return rows;
    }
}
