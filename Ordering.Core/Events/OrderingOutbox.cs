using System.Text.Json;
using Npgsql;
using Shop.IntegrationEvents;

namespace Shop.Ordering.Core.Events;

/// <summary>
/// The statements that record Ordering's integration events inside the transaction that makes the change (the
/// outbox, migration 0005): add them to that transaction's <see cref="NpgsqlBatch"/> (no extra round trip) or run
/// them on its connection. The worker publishes what they record (<c>OutboxPublisher</c>, <c>ItemStockChangesPublisher</c>).
/// </summary>
public static class OrderingOutbox
{
    private const string InsertSql = """
        INSERT INTO outbox_messages (id, type, routing_key, payload, trace_parent, occurred_at)
        VALUES (@id, @type, @routing_key, @payload, @trace_parent, @occurred_at)
        """;

    // Sorted, so that two transactions touching the same items lock their rows in one order (no deadlock).
    private const string TouchItemStocksSql = """
        INSERT INTO item_stock_changes (stock_id)
        SELECT id FROM unnest(@stock_ids) AS s(id) ORDER BY id
        ON CONFLICT (stock_id) DO UPDATE SET version = item_stock_changes.version + 1, changed_at = now()
        """;

    /// <summary>An <see cref="OrderStatusChanged"/> listing <paramref name="orders"/>, for the outbox.</summary>
    /// <param name="traceParent">The change's traceparent ("" or null when it is not traced).</param>
    public static NpgsqlBatchCommand OrderStatusChanged(OrderEventStatus status, IReadOnlyList<OrderStatusLine> orders, string? traceParent, DateTimeOffset now)
    {
        var @event = new OrderStatusChanged
        {
            EventId = Guid.CreateVersion7(now),
            OccurredAt = now,
            Status = status,
            Orders = orders,
        };
        return new NpgsqlBatchCommand(InsertSql)
        {
            Parameters =
            {
                new NpgsqlParameter<Guid>("id", @event.EventId),
                new NpgsqlParameter<string>("type", EventTopology.OrderStatusChangedType),
                new NpgsqlParameter<string>("routing_key", EventTopology.OrderStatusRoutingKey(status)),
                new NpgsqlParameter<string>("payload", JsonSerializer.Serialize(@event, IntegrationEventsJsonContext.Default.OrderStatusChanged)),
                new NpgsqlParameter("trace_parent", string.IsNullOrEmpty(traceParent) ? DBNull.Value : traceParent),
                new NpgsqlParameter<DateTimeOffset>("occurred_at", now),
            },
        };
    }

    /// <summary>
    /// Records that the stock of these items moved (ids that are not items' stock ids are left out), or null when
    /// none is an item. Run it after the gate moved (the figure published is read from the gate later).
    /// </summary>
    public static NpgsqlBatchCommand? ItemStocksMoved(IEnumerable<Guid> stockIds)
    {
        Guid[] items = [.. stockIds.Where(ItemStocks.IsItemStock).Distinct()];
        return items.Length == 0
            ? null
            : new NpgsqlBatchCommand(TouchItemStocksSql) { Parameters = { new NpgsqlParameter<Guid[]>("stock_ids", items) } };
    }
}
