using System.Globalization;
using Npgsql;
using Shop.Ordering.Core;
using Shop.Ordering.Core.Redis;
using StackExchange.Redis;

namespace Shop.Ordering.Api.Orders;

/// <summary>
/// Reads a buyer's orders: durable ones from orderingdb, and those still pending (accepted by the gate, not
/// yet persisted by the worker) from Redis. A buyer only ever sees their own orders.
/// </summary>
public sealed class OrderStore(NpgsqlDataSource dataSource, IConnectionMultiplexer redis)
{
    internal const string Columns = "order_id, sale_id, quantity, unit_price, status, reserved_at, expires_at, paid_at";

    public async Task<OrderView?> FindAsync(Guid orderId, string buyerId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM orders WHERE order_id = @id AND buyer_id = @buyer");
        command.Parameters.AddWithValue("id", orderId);
        command.Parameters.AddWithValue("buyer", buyerId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return Read(reader);
        }
        return await FindPendingAsync(orderId, buyerId).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<OrderView>> ListAsync(string buyerId, CancellationToken cancellationToken)
    {
        var orders = new List<OrderView>();
        await using (var command = dataSource.CreateCommand($"SELECT {Columns} FROM orders WHERE buyer_id = @buyer ORDER BY reserved_at DESC LIMIT 200"))
        {
            command.Parameters.AddWithValue("buyer", buyerId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                orders.Add(Read(reader));
            }
        }
        var durable = orders.Select(o => o.OrderId).ToHashSet();
        foreach (var member in await redis.GetDatabase().SetMembersAsync(GateKeys.BuyerPending(buyerId)).ConfigureAwait(false))
        {
            if (Guid.TryParseExact((string)member!, "N", out var orderId) && !durable.Contains(orderId)
                && await FindPendingAsync(orderId, buyerId).ConfigureAwait(false) is { } pending)
            {
                orders.Add(pending);
            }
        }
        return [.. orders.OrderByDescending(o => o.ReservedAt)];
    }

    /// <summary>A reservation the worker has not persisted yet, from its Redis hash.</summary>
    private async Task<OrderView?> FindPendingAsync(Guid orderId, string buyerId)
    {
        var fields = await redis.GetDatabase().HashGetAsync(GateKeys.Order(orderId), ["buyerId", "saleId", "quantity", "unitPrice", "reservedAt", "status"]).ConfigureAwait(false);
        if (fields[0].IsNull || (string)fields[0]! != buyerId)
        {
            return null;
        }
        var quantity = (int)fields[2];
        var unitPrice = decimal.Parse((string)fields[3]!, CultureInfo.InvariantCulture);
        return new OrderView(orderId, Guid.ParseExact((string)fields[1]!, "N"), quantity, unitPrice, unitPrice * quantity,
            (string?)fields[5] ?? OrderStatus.Pending, DateTimeOffset.Parse((string)fields[4]!, CultureInfo.InvariantCulture), null, null);
    }

    internal static OrderView Read(NpgsqlDataReader reader)
    {
        var quantity = reader.GetInt32(2);
        var unitPrice = reader.GetDecimal(3);
        return new OrderView(reader.GetGuid(0), reader.GetGuid(1), quantity, unitPrice, unitPrice * quantity,
            OrderStatus.FromDatabase(reader.GetString(4)), reader.GetFieldValue<DateTimeOffset>(5), reader.GetFieldValue<DateTimeOffset>(6),
            reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7));
    }
}
