using System.Globalization;
using Npgsql;
using Shop.Ordering.Core;
using Shop.Ordering.Core.Redis;
using StackExchange.Redis;

namespace Shop.Ordering.Api.Orders;

/// <summary>
/// Reads a buyer's orders: durable ones from orderingdb, and those still pending (accepted by the gate, not
/// yet persisted by the worker) from Redis. A buyer only ever sees their own orders. A checkout is stored as
/// one row (and one pending hash) per line; it is read back as one order.
/// </summary>
public sealed class OrderStore(NpgsqlDataSource dataSource, GateClient gate)
{
    // An order id is a flash-sale order's row or a checkout's id, never one of its lines.
    private const string FindSql = $"""
        SELECT {OrderRow.Columns} FROM {OrderRow.From}
        WHERE o.buyer_id = @buyer AND (o.checkout_id = @id OR (o.order_id = @id AND o.checkout_id IS NULL))
        """;

    private const string ListSql = $"SELECT {OrderRow.Columns} FROM {OrderRow.From} WHERE o.buyer_id = @buyer ORDER BY o.reserved_at DESC LIMIT 500";

    private const string StocksSql = "SELECT stock_id, kind, item_id, item_name FROM stocks WHERE stock_id = ANY(@ids)";

    // Both reads below take the pending orders first and the ledger second. The worker commits an order before it
    // takes it out of the buyer's pending set, so one of the two reads always sees it; the other way round, an order
    // made durable between the reads was in neither (seen: a buyer's list without the order just bought).

    public async Task<OrderView?> FindAsync(Guid orderId, string buyerId, CancellationToken cancellationToken)
    {
        var pending = await PendingRowsAsync(buyerId, cancellationToken).ConfigureAwait(false);
        var rows = await ReadAsync(FindSql, buyerId, orderId, cancellationToken).ConfigureAwait(false);
        if (rows.Count > 0)
        {
            return OrderViews.Group(rows)[0];
        }
        return OrderViews.Group(pending.Where(r => r.OrderId == orderId)).FirstOrDefault();
    }

    public async Task<IReadOnlyList<OrderView>> ListAsync(string buyerId, CancellationToken cancellationToken)
    {
        var pending = await PendingRowsAsync(buyerId, cancellationToken).ConfigureAwait(false);
        var rows = await ReadAsync(ListSql, buyerId, null, cancellationToken).ConfigureAwait(false);
        var durable = rows.Select(r => r.RowId).ToHashSet();
        return OrderViews.Group(rows.Concat(pending.Where(p => !durable.Contains(p.RowId))));
    }

    private async Task<List<OrderRow>> ReadAsync(string sql, string buyerId, Guid? orderId, CancellationToken cancellationToken)
    {
        var rows = new List<OrderRow>();
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("buyer", buyerId);
        if (orderId is { } id)
        {
            command.Parameters.AddWithValue("id", id);
        }
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(OrderRow.Read(reader));
        }
        return rows;
    }

    /// <summary>The buyer's reservations the worker has not persisted yet (flash-sale orders and checkout lines), from the gate.</summary>
    private async Task<List<OrderRow>> PendingRowsAsync(string buyerId, CancellationToken cancellationToken)
    {
        var pending = await gate.PendingOrdersAsync(buyerId).ConfigureAwait(false);
        if (pending.Count == 0)
        {
            return [];
        }
        var stocks = await StocksAsync([.. pending.Select(p => p.StockId).Distinct()], cancellationToken).ConfigureAwait(false);
        return [.. pending.Select(p =>
        {
            var (kind, itemId, itemName) = stocks.GetValueOrDefault(p.StockId, ("FlashSale", 0, ""));
            return new OrderRow(p.OrderId, p.CheckoutId, p.StockId, kind, itemId, itemName, p.Quantity, p.UnitPrice, p.Status, p.ReservedAt, null, null);
        })];
    }

    private async Task<Dictionary<Guid, (string Kind, int ItemId, string ItemName)>> StocksAsync(Guid[] stockIds, CancellationToken cancellationToken)
    {
        var stocks = new Dictionary<Guid, (string, int, string)>();
        await using var command = dataSource.CreateCommand(StocksSql);
        command.Parameters.Add(new NpgsqlParameter<Guid[]>("ids", stockIds));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            stocks[reader.GetGuid(0)] = (reader.GetString(1), reader.GetInt32(2), reader.GetString(3));
        }
        return stocks;
    }
}
