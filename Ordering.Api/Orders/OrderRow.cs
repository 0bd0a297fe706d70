using Npgsql;
using Shop.Ordering.Core;

namespace Shop.Ordering.Api.Orders;

/// <summary>
/// One row of <c>orders</c> with its stock's item: a flash-sale order, or one line of a checkout
/// (<see cref="CheckoutId"/> set). <see cref="OrderViews"/> groups rows into the orders a buyer sees.
/// </summary>
internal sealed record OrderRow(
    Guid RowId, Guid? CheckoutId, Guid StockId, string StockKind, int ItemId, string ItemName, int Quantity, decimal UnitPrice,
    string Status, DateTimeOffset ReservedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? PaidAt)
{
    /// <summary>The columns <see cref="Read"/> expects, from <c>orders o JOIN stocks s USING (stock_id)</c>.</summary>
    public const string Columns =
        "o.order_id, o.checkout_id, o.stock_id, s.kind, s.item_id, s.item_name, o.quantity, o.unit_price, o.status, o.reserved_at, o.expires_at, o.paid_at";

    public const string From = "orders o JOIN stocks s ON s.stock_id = o.stock_id";

    /// <summary>The order a row belongs to: its checkout, or itself.</summary>
    public Guid OrderId => CheckoutId ?? RowId;

    public static OrderRow Read(NpgsqlDataReader reader) => new(
        reader.GetGuid(0),
        reader.IsDBNull(1) ? null : reader.GetGuid(1),
        reader.GetGuid(2),
        reader.GetString(3),
        reader.GetInt32(4),
        reader.GetString(5),
        reader.GetInt32(6),
        reader.GetDecimal(7),
        OrderStatus.FromDatabase(reader.GetString(8)),
        reader.GetFieldValue<DateTimeOffset>(9),
        reader.IsDBNull(10) ? null : reader.GetFieldValue<DateTimeOffset>(10),
        reader.IsDBNull(11) ? null : reader.GetFieldValue<DateTimeOffset>(11));
}

internal static class OrderViews
{
    // When a checkout's lines disagree for a moment (an expiry round took some of them), the order shows the
    // status of the line least far along, the one the buyer can still act on.
    private static readonly string[] Progress = [OrderStatus.Pending, OrderStatus.Confirmed, OrderStatus.Paid, OrderStatus.Expired, OrderStatus.Cancelled];

    /// <summary>The orders these rows make, newest first.</summary>
    public static List<OrderView> Group(IEnumerable<OrderRow> rows) =>
        [.. rows.GroupBy(r => r.OrderId).Select(ToView).OrderByDescending(o => o.ReservedAt)];

    private static OrderView ToView(IGrouping<Guid, OrderRow> order)
    {
        var lines = order.OrderBy(r => r.ItemId).ToList();
        var first = lines[0];
        var isCheckout = first.CheckoutId is not null;
        var status = lines.Select(l => l.Status).MinBy(s => Array.IndexOf(Progress, s))!;
        return new OrderView(
            order.Key,
            isCheckout ? OrderView.Checkout : OrderView.FlashSale,
            isCheckout ? null : first.StockId,
            lines.Sum(l => l.Quantity),
            isCheckout ? null : first.UnitPrice,
            lines.Sum(l => l.UnitPrice * l.Quantity),
            status,
            first.ReservedAt,
            lines.Min(l => l.ExpiresAt),
            lines.Max(l => l.PaidAt),
            [.. lines.Select(l => new OrderLineView(l.ItemId, l.ItemName, l.Quantity, l.UnitPrice, l.UnitPrice * l.Quantity))]);
    }
}
