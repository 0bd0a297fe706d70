using System.Text.Json;
using Shop.IntegrationEvents;
using Shop.Ordering.Core;
using Shop.Ordering.Core.Events;

namespace Shop.Ordering.UnitTests;

/// <summary>What the outbox statements record: the event as it goes on the wire, and only items' stocks as changed.</summary>
public sealed class OrderingOutboxTests
{
    [Fact]
    public void An_order_status_row_carries_the_event_its_type_and_its_status_routing_key()
    {
        var now = DateTimeOffset.Parse("2026-12-07T10:00:00Z");
        var checkoutId = Guid.CreateVersion7();
        OrderStatusLine[] lines = [new(Guid.CreateVersion7(), null, "buyer-1", Guid.CreateVersion7(), 2), new(Guid.CreateVersion7(), checkoutId, "buyer-2", ItemStocks.StockId(7), 1)];

        var row = OrderingOutbox.OrderStatusChanged(OrderEventStatus.Expired, lines, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", now);

        Assert.Equal(EventTopology.OrderStatusChangedType, row.Parameters["type"].Value);
        Assert.Equal("ordering.order.expired", row.Parameters["routing_key"].Value);
        Assert.Equal("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", row.Parameters["trace_parent"].Value);
        var payload = (string)row.Parameters["payload"].Value!;
        var @event = JsonSerializer.Deserialize(payload, IntegrationEventsJsonContext.Default.OrderStatusChanged)!;
        Assert.Equal(row.Parameters["id"].Value, @event.EventId);
        Assert.Equal(now, @event.OccurredAt);
        Assert.Equal(OrderEventStatus.Expired, @event.Status);
        Assert.Equal(lines, @event.Orders);
        Assert.Contains("\"status\":\"Expired\"", payload, StringComparison.Ordinal);
        Assert.Contains($"\"checkoutId\":\"{checkoutId}\"", payload, StringComparison.Ordinal);
    }

    [Fact]
    public void An_untraced_change_stores_no_traceparent() =>
        Assert.Equal(DBNull.Value, OrderingOutbox.OrderStatusChanged(OrderEventStatus.Paid, [], "", DateTimeOffset.UtcNow).Parameters["trace_parent"].Value);

    [Fact]
    public void Only_items_stocks_are_recorded_as_changed_once_each()
    {
        Assert.Null(OrderingOutbox.ItemStocksMoved([Guid.CreateVersion7()]));
        var row = OrderingOutbox.ItemStocksMoved([ItemStocks.StockId(3), Guid.CreateVersion7(), ItemStocks.StockId(3), ItemStocks.StockId(1)])!;
        Assert.Equal([ItemStocks.StockId(3), ItemStocks.StockId(1)], (Guid[])row.Parameters["stock_ids"].Value!);
    }

    [Theory]
    [InlineData(OrderEventStatus.Confirmed, "ordering.order.confirmed")]
    [InlineData(OrderEventStatus.Paid, "ordering.order.paid")]
    [InlineData(OrderEventStatus.Expired, "ordering.order.expired")]
    [InlineData(OrderEventStatus.Cancelled, "ordering.order.cancelled")]
    public void Each_status_has_its_routing_key(OrderEventStatus status, string routingKey) =>
        Assert.Equal(routingKey, EventTopology.OrderStatusRoutingKey(status));
}
