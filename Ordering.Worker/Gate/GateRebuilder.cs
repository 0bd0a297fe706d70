using System.Data;
using System.Globalization;
using Microsoft.Extensions.Options;
using Npgsql;
using Shop.Ordering.Core;
using Shop.Ordering.Core.Redis;
using StackExchange.Redis;

namespace Shop.Ordering.Worker.Gate;

/// <summary>What a rebuild wrote.</summary>
public sealed record RebuildSummary(int Sales, int Buyers, int Answers, int Released, int ReleasesMarked);

/// <summary>
/// Writes the gate state of sales from the ledger, in one REPEATABLE READ snapshot of orderingdb: per sale,
/// <c>meta</c> (stock = ledger remaining, pending = 0, the definition), <c>buyers</c> (units held in Confirmed and
/// Paid orders), <c>answers</c> (every order's idempotency answer) and <c>released</c> (every released order), each
/// sale's keys replaced in one MULTI. In the same snapshot it marks every release as applied, because the state it
/// writes already reflects them. Rows committed after the snapshot are in neither the state nor the marks, and the
/// batch loop and the release applier deal with them as usual. Callers hold the <see cref="GateLock"/>, which the
/// batch loop holds from reading a batch to settling it: no batch is half persisted while the gate is rebuilt.
/// </summary>
public sealed class GateRebuilder(NpgsqlDataSource dataSource, IConnectionMultiplexer redis, IOptions<OrderingOptions> ordering)
{
    // HSET/SADD arguments per command: large sales are written in slices rather than one huge command.
    private const int Slice = 1000;

    private const string SalesSql = $"SELECT {SaleRow.Columns} FROM flash_sales WHERE @sale IS NULL OR sale_id = @sale ORDER BY sale_id";

    private const string MarkReleasesSql =
        "UPDATE stock_releases SET applied_at = now() WHERE applied_at IS NULL AND (@sale IS NULL OR sale_id = @sale)";

    private const string BuyersSql = """
        SELECT buyer_id, sum(quantity)::int FROM orders
        WHERE sale_id = @sale AND status IN ('Confirmed', 'Paid') GROUP BY buyer_id
        """;

    private const string AnswersSql = "SELECT buyer_id, idempotency_key, order_id, quantity FROM orders WHERE sale_id = @sale";

    private const string ReleasedSql = "SELECT order_id FROM stock_releases WHERE sale_id = @sale";

    // The answers checkout.lua keeps per buyer: key → "checkoutId|itemId:quantity,…" in item order (GateClient.CheckoutFingerprint).
    private const string CheckoutAnswersSql = """
        SELECT o.buyer_id, o.idempotency_key, o.checkout_id, string_agg(s.item_id || ':' || o.quantity, ',' ORDER BY s.item_id)
        FROM orders o JOIN flash_sales s ON s.sale_id = o.sale_id
        WHERE o.checkout_id IS NOT NULL
        GROUP BY o.buyer_id, o.idempotency_key, o.checkout_id
        """;

    /// <summary>Rebuilds every sale (<paramref name="saleId"/> null) or one sale.</summary>
    public async Task<RebuildSummary> RebuildAsync(Guid? saleId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // One snapshot for everything read and marked: the state written and the marks agree exactly.
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);

        var sales = new List<SaleRow>();
        await using (var command = Command(connection, transaction, SalesSql, saleId))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                sales.Add(SaleRow.Read(reader));
            }
        }

        // Marked first: a conflict with a concurrent change (a serialization failure) aborts before Redis is touched.
        int releasesMarked;
        await using (var command = Command(connection, transaction, MarkReleasesSql, saleId))
        {
            releasesMarked = await command.ExecuteNonQueryAsync(cancellationToken);
        }

        var database = redis.GetDatabase();
        var ttl = ordering.Value.ReservationRetention;
        int buyers = 0, answers = 0, released = 0;
        foreach (var sale in sales)
        {
            var holdings = await ReadAsync(connection, transaction, BuyersSql, sale.SaleId,
                r => new HashEntry(r.GetString(0), r.GetInt32(1)), cancellationToken);
            var saleAnswers = await ReadAsync(connection, transaction, AnswersSql, sale.SaleId,
                r => new HashEntry($"{r.GetString(0)}|{r.GetString(1)}", $"{r.GetGuid(2):N}|{r.GetInt32(3).ToString(CultureInfo.InvariantCulture)}"),
                cancellationToken);
            var saleReleased = await ReadAsync(connection, transaction, ReleasedSql, sale.SaleId,
                r => (RedisValue)r.GetGuid(0).ToString("N"), cancellationToken);

            var multi = database.CreateTransaction();
            var writes = new List<Task>
            {
                multi.KeyDeleteAsync([GateKeys.Sale(sale.SaleId), GateKeys.Buyers(sale.SaleId), GateKeys.Answers(sale.SaleId), GateKeys.Released(sale.SaleId)]),
                multi.HashSetAsync(GateKeys.Sale(sale.SaleId), sale.MetaEntries()),
            };
            writes.AddRange(holdings.Chunk(Slice).Select(slice => multi.HashSetAsync(GateKeys.Buyers(sale.SaleId), slice)));
            writes.AddRange(saleAnswers.Chunk(Slice).Select(slice => multi.HashSetAsync(GateKeys.Answers(sale.SaleId), slice)));
            writes.AddRange(saleReleased.Chunk(Slice).Select(slice => multi.SetAddAsync(GateKeys.Released(sale.SaleId), slice)));
            // The stock and the accepted keys were replaced: replicas answering "sold out" from memory ask again.
            writes.Add(multi.PublishAsync(GateKeys.SaleReopened, sale.SaleId.ToString("N")));
            if (!await multi.ExecuteAsync())
            {
                throw new InvalidOperationException($"Redis did not execute the rebuild of sale {sale.SaleId}.");
            }
            await Task.WhenAll(writes);
            (buyers, answers, released) = (buyers + holdings.Count, answers + saleAnswers.Count, released + saleReleased.Count);
        }

        if (saleId is null)
        {
            // A whole rebuild (the gate lost its data) also restores every checkout's first answer, so that a retry
            // of a checkout accepted before the loss gets its order back rather than a second one.
            answers += await RebuildCheckoutAnswersAsync(connection, transaction, database, ttl, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return new RebuildSummary(sales.Count, buyers, answers, released, releasesMarked);
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

    private static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, Guid? saleId) => new(sql, connection, transaction)
    {
        Parameters = { new NpgsqlParameter("sale", NpgsqlTypes.NpgsqlDbType.Uuid) { Value = saleId is { } id ? id : DBNull.Value } },
    };

    private static async Task<List<T>> ReadAsync<T>(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, Guid saleId,
        Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    {
        var rows = new List<T>();
        await using var command = Command(connection, transaction, sql, saleId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(read(reader));
        }
        return rows;
    }
}
