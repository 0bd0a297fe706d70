using Npgsql;

namespace Shop.Ordering.Api.Orders;

public enum OrderChange
{
    Done,
    NotFound,
    NotConfirmedYet,
    AlreadyClosed,
    Paid,
    Expired,
}

/// <summary>
/// Paying and cancelling, each one guarded SQL statement so that a double click or two replicas racing change
/// an order once. Cancelling returns the units to the ledger and records the release in the same transaction;
/// the worker then gives them back to the Redis gate, once.
/// </summary>
public sealed class OrderCommands(NpgsqlDataSource dataSource, OrderStore store)
{
    private const string PaySql = $"""
        UPDATE orders SET status = 'Paid', paid_at = now()
        WHERE order_id = @id AND buyer_id = @buyer AND status = 'Confirmed' AND expires_at > now()
        RETURNING {OrderStore.Columns}
        """;

    private const string CancelSql = $"""
        WITH cancelled AS (
            UPDATE orders SET status = 'Cancelled', closed_at = now()
            WHERE order_id = @id AND buyer_id = @buyer AND status = 'Confirmed'
            RETURNING {OrderStore.Columns}, buyer_id
        ), released AS (
            INSERT INTO stock_releases (order_id, sale_id, buyer_id, quantity)
            SELECT order_id, sale_id, buyer_id, quantity FROM cancelled
        ), ledger AS (
            UPDATE flash_sales s SET remaining = s.remaining + c.quantity, updated_at = now()
            FROM cancelled c WHERE s.sale_id = c.sale_id
        )
        SELECT {OrderStore.Columns} FROM cancelled
        """;

    /// <summary>Simulated payment: a confirmed, unexpired order becomes paid. Paying a paid order again is a no-op.</summary>
    public Task<(OrderChange Change, OrderView? Order)> PayAsync(Guid orderId, string buyerId, CancellationToken cancellationToken) =>
        ChangeAsync(PaySql, orderId, buyerId, alreadyDone: "paid", cancellationToken);

    /// <summary>A confirmed order is cancelled and its units go back. Cancelling a cancelled order again is a no-op.</summary>
    public Task<(OrderChange Change, OrderView? Order)> CancelAsync(Guid orderId, string buyerId, CancellationToken cancellationToken) =>
        ChangeAsync(CancelSql, orderId, buyerId, alreadyDone: "cancelled", cancellationToken);

    private async Task<(OrderChange, OrderView?)> ChangeAsync(string sql, Guid orderId, string buyerId, string alreadyDone, CancellationToken cancellationToken)
    {
        await using (var command = dataSource.CreateCommand(sql))
        {
            command.Parameters.AddWithValue("id", orderId);
            command.Parameters.AddWithValue("buyer", buyerId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return (OrderChange.Done, OrderStore.Read(reader));
            }
        }
        // Nothing changed: say why, from the order as it is now.
        var order = await store.FindAsync(orderId, buyerId, cancellationToken).ConfigureAwait(false);
        return order switch
        {
            null => (OrderChange.NotFound, null),
            { Status: var status } when status == alreadyDone => (OrderChange.Done, order),
            { Status: "pending" } => (OrderChange.NotConfirmedYet, order),
            { Status: "paid" } => (OrderChange.Paid, order),
            { Status: "confirmed" } => (OrderChange.Expired, order),
            _ => (OrderChange.AlreadyClosed, order),
        };
    }
}
