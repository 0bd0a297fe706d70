using Npgsql;
using Shop.IntegrationEvents;
using Shop.Ordering.Core.Redis;
using StackExchange.Redis;
using Shop.Ordering.Core.Events;
using Shop.ServiceDefaults.Telemetry;

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
/// an order once. A checkout changes as a whole: the statement takes every line of it (its rows share the
/// checkout's id). Cancelling returns the units to the ledger and records the release in the same transaction;
/// the worker then gives them back to the Redis gate, once. A change is announced (<c>OrderStatusChanged</c>, paid or
/// cancelled) through the outbox in the same transaction; the worker publishes it. A paid or cancelled order then stops
/// counting against its buyer's open-orders cap in the gate.
/// </summary>
public sealed partial class OrderCommands(NpgsqlDataSource dataSource, OrderStore store, GateClient gate, TimeProvider time, ILogger<OrderCommands> logger)
{
    // The rows of one order: a flash-sale order's own row, or every line of a checkout.
    private const string OrderRows = "(checkout_id = @id OR (order_id = @id AND checkout_id IS NULL)) AND buyer_id = @buyer";

    private const string PaySql = $"""
        UPDATE orders SET status = 'Paid', paid_at = now()
        WHERE {OrderRows} AND status = 'Confirmed' AND expires_at > now()
        RETURNING order_id, checkout_id, stock_id, buyer_id, quantity
        """;

    // A checkout's lines are each against a different stock, so one ledger row gets at most one line back.
    private const string CancelSql = $"""
        WITH cancelled AS (
            UPDATE orders SET status = 'Cancelled', closed_at = now()
            WHERE {OrderRows} AND status = 'Confirmed'
            RETURNING order_id, checkout_id, stock_id, buyer_id, quantity
        ), released AS (
            INSERT INTO stock_releases (order_id, stock_id, buyer_id, quantity)
            SELECT order_id, stock_id, buyer_id, quantity FROM cancelled
        ), ledger AS (
            UPDATE stocks s SET remaining = s.remaining + c.quantity, updated_at = now()
            FROM cancelled c WHERE s.stock_id = c.stock_id
        )
        SELECT order_id, checkout_id, stock_id, buyer_id, quantity FROM cancelled
        """;

    /// <summary>Simulated payment: a confirmed, unexpired order becomes paid. Paying a paid order again is a no-op.</summary>
    public Task<(OrderChange Change, OrderView? Order)> PayAsync(Guid orderId, string buyerId, CancellationToken cancellationToken) =>
        ChangeAsync(PaySql, OrderEventStatus.Paid, orderId, buyerId, alreadyDone: "paid", cancellationToken);

    /// <summary>A confirmed order is cancelled and its units go back. Cancelling a cancelled order again is a no-op.</summary>
    public Task<(OrderChange Change, OrderView? Order)> CancelAsync(Guid orderId, string buyerId, CancellationToken cancellationToken) =>
        ChangeAsync(CancelSql, OrderEventStatus.Cancelled, orderId, buyerId, alreadyDone: "cancelled", cancellationToken);

    private async Task<(OrderChange, OrderView?)> ChangeAsync(string sql, OrderEventStatus newStatus, Guid orderId, string buyerId, string alreadyDone,
        CancellationToken cancellationToken)
    {
        var changed = new List<OrderStatusLine>();
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false))
        {
            await using (var command = new NpgsqlCommand(sql, connection, transaction))
            {
                command.Parameters.AddWithValue("id", orderId);
                command.Parameters.AddWithValue("buyer", buyerId);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    changed.Add(new OrderStatusLine(reader.GetGuid(0), reader.IsDBNull(1) ? null : reader.GetGuid(1), reader.GetString(3),
                        reader.GetGuid(2), reader.GetInt32(4)));
                }
            }
            if (changed.Count > 0)
            {
                await using var announce = new NpgsqlBatch(connection, transaction)
                {
                    BatchCommands = { OrderingOutbox.OrderStatusChanged(newStatus, changed, TraceParents.Current(), time.GetUtcNow()) },
                };
                await announce.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        // Changed or not, the answer is the order as it is now; if nothing changed, it says why.
        var order = await store.FindAsync(orderId, buyerId, cancellationToken).ConfigureAwait(false);
        if (changed.Count > 0)
        {
            await CloseOpenOrderAsync(buyerId, orderId).ConfigureAwait(false);
            return (OrderChange.Done, order);
        }
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

    /// <summary>
    /// The change is committed and answered whatever happens here: should the gate be unreachable, the order leaves the
    /// buyer's open orders at its payment deadline instead (GateKeys.BuyerOpenOrders), which only delays their next order.
    /// </summary>
    private async Task CloseOpenOrderAsync(string buyerId, Guid orderId)
    {
        try
        {
            await gate.CloseOpenOrderAsync(buyerId, orderId).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RedisConnectionException or RedisTimeoutException or RedisServerException or TimeoutException)
        {
            LogOpenOrderNotClosed(logger, orderId, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Order {OrderId} is closed, but the gate could not be told: it counts as open for its buyer until its payment deadline")]
    private static partial void LogOpenOrderNotClosed(ILogger logger, Guid orderId, Exception exception);
}
