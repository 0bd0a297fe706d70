using Npgsql;

namespace Shop.Baseline.Api;

public enum BaselineOutcome
{
    Accepted,
    Repeat,
    SoldOut,
    OverLimit,
    NotStarted,
    Ended,
    UnknownSale,
}

/// <summary>
/// The textbook buy: one Postgres transaction per order that locks the sale's row (SELECT … FOR UPDATE),
/// checks window, idempotency, limit and stock, decrements the row and inserts the order. Correct, and
/// serialised on one hot row: the benchmark measures how far that gets.
/// </summary>
public sealed class BaselineBuy(NpgsqlDataSource dataSource, TimeProvider time)
{
    public async Task<(BaselineOutcome Outcome, Guid OrderId)> BuyAsync(Guid saleId, string buyerId, string idempotencyKey, int quantity, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var sale = new NpgsqlCommand(
            "SELECT remaining, per_buyer_limit, sale_price, starts_at, ends_at FROM baseline_sales WHERE sale_id = @s FOR UPDATE", connection, transaction);
        sale.Parameters.AddWithValue("s", saleId);
        int remaining, limit;
        decimal price;
        DateTimeOffset starts, ends;
        await using (var reader = await sale.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return (BaselineOutcome.UnknownSale, Guid.Empty);
            }
            (remaining, limit, price, starts, ends) = (reader.GetInt32(0), reader.GetInt32(1), reader.GetDecimal(2),
                reader.GetFieldValue<DateTimeOffset>(3), reader.GetFieldValue<DateTimeOffset>(4));
        }
        var now = time.GetUtcNow();
        if (now < starts)
        {
            return (BaselineOutcome.NotStarted, Guid.Empty);
        }
        if (now >= ends)
        {
            return (BaselineOutcome.Ended, Guid.Empty);
        }
        await using var held = new NpgsqlCommand("""
            SELECT (SELECT order_id FROM baseline_orders WHERE sale_id = @s AND buyer_id = @b AND idempotency_key = @k),
                   COALESCE((SELECT sum(quantity) FROM baseline_orders WHERE sale_id = @s AND buyer_id = @b), 0)::int
            """, connection, transaction);
        held.Parameters.AddWithValue("s", saleId);
        held.Parameters.AddWithValue("b", buyerId);
        held.Parameters.AddWithValue("k", idempotencyKey);
        await using (var reader = await held.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (!reader.IsDBNull(0))
            {
                return (BaselineOutcome.Repeat, reader.GetGuid(0));
            }
            if (reader.GetInt32(1) + quantity > limit)
            {
                return (BaselineOutcome.OverLimit, Guid.Empty);
            }
        }
        if (remaining < quantity)
        {
            return (BaselineOutcome.SoldOut, Guid.Empty);
        }
        var orderId = Guid.CreateVersion7(now);
        await using var write = new NpgsqlCommand("""
            UPDATE baseline_sales SET remaining = remaining - @q WHERE sale_id = @s;
            INSERT INTO baseline_orders (order_id, sale_id, buyer_id, quantity, unit_price, idempotency_key) VALUES (@o, @s, @b, @q, @p, @k);
            """, connection, transaction);
        write.Parameters.AddWithValue("q", quantity);
        write.Parameters.AddWithValue("s", saleId);
        write.Parameters.AddWithValue("o", orderId);
        write.Parameters.AddWithValue("b", buyerId);
        write.Parameters.AddWithValue("p", price);
        write.Parameters.AddWithValue("k", idempotencyKey);
        await write.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return (BaselineOutcome.Accepted, orderId);
    }

    /// <summary>Creates (or resets) a baseline sale: the benchmark gives it the same stock and limit as Shop's sale.</summary>
    public async Task ArmAsync(Guid saleId, int quantity, int perBuyerLimit, decimal salePrice, DateTimeOffset startsAt, DateTimeOffset endsAt, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO baseline_sales (sale_id, remaining, per_buyer_limit, sale_price, starts_at, ends_at) VALUES (@s, @q, @l, @p, @from, @to)
            ON CONFLICT (sale_id) DO UPDATE SET remaining = excluded.remaining, per_buyer_limit = excluded.per_buyer_limit,
                sale_price = excluded.sale_price, starts_at = excluded.starts_at, ends_at = excluded.ends_at
            """);
        command.Parameters.AddWithValue("s", saleId);
        command.Parameters.AddWithValue("q", quantity);
        command.Parameters.AddWithValue("l", perBuyerLimit);
        command.Parameters.AddWithValue("p", salePrice);
        command.Parameters.AddWithValue("from", startsAt);
        command.Parameters.AddWithValue("to", endsAt);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
