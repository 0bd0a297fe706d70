using Shop.Ordering.Core.Messaging;
using Shop.Ordering.Core.Redis;
using StackExchange.Redis;

namespace Shop.Ordering.UnitTests;

/// <summary>
/// The entries reserve.lua and checkout.lua append to the gate's stream (field/value pairs, as the scripts write
/// them), read back into reservations: a buy, a checkout and its lines, the trace context, an entry deleted while
/// pending, and malformed entries kept as text rather than dropped.
/// </summary>
public sealed class StreamEntryTests
{
    private static readonly Guid OrderId = Guid.Parse("0193a5e4-7a3c-7d1e-9f2b-3c4d5e6f7a8b");
    private static readonly Guid StockId = Guid.Parse("0193a5e4-0000-7000-8000-000000000001");
    private const string TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    private static StreamEntry Entry(string id, params string[] fieldsAndValues) =>
        new(id, [.. fieldsAndValues.Chunk(2).Select(p => new NameValueEntry(p[0], p[1]))]);

    private static string[] Buy(string quantity = "2", string unitPrice = "9.99") =>
    [
        "orderId", OrderId.ToString("N"), "stockId", StockId.ToString("N"), "buyerId", "alice", "quantity", quantity,
        "unitPrice", unitPrice, "reservedAt", "2026-12-06T10:00:00.0000000+00:00", "idempotencyKey", "key-1",
    ];

    [Fact]
    public void A_buy_is_read_field_by_field_with_its_trace_context()
    {
        var entry = GateStreamEntries.Read([Entry("1733479200000-0", [.. Buy(), "traceparent", TraceParent])]).Single();

        Assert.Equal("1733479200000-0", entry.Id);
        Assert.Equal(new ReservationMessage(OrderId, StockId, "alice", 2, 9.99m, DateTimeOffset.Parse("2026-12-06T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture), "key-1"), entry.Reservation);
        Assert.Equal(TraceParent, entry.TraceParent);
        Assert.Equal("", entry.Raw);
    }

    [Fact]
    public void An_untraced_buy_has_no_trace_context()
    {
        Assert.Null(GateStreamEntries.Read([Entry("1-0", Buy())]).Single().TraceParent);
    }

    [Fact]
    public void A_checkout_carries_each_line_with_its_own_order_id_stock_quantity_and_price()
    {
        var line1 = Guid.Parse("0193a5e4-1111-7000-8000-000000000001");
        var line2 = Guid.Parse("0193a5e4-2222-7000-8000-000000000002");
        var stock1 = Guid.Parse("00000000-0000-0000-0000-000000000007");
        var stock2 = Guid.Parse("00000000-0000-0000-0000-000000000003");

        var entry = GateStreamEntries.Read([Entry("2-0",
            "kind", "checkout", "orderId", OrderId.ToString("N"), "buyerId", "bob", "reservedAt", "2026-12-06T10:00:00.0000000+00:00",
            "idempotencyKey", "basket-1", "lines", $"{line1:N}:{stock1:N}:2:12.50,{line2:N}:{stock2:N}:1:3")]).Single();

        var checkout = entry.Reservation!;
        Assert.Equal(OrderId, checkout.OrderId);
        Assert.Equal(3, checkout.Quantity);
        Assert.Equal(new[] { new CheckoutLine(line1, stock1, 2, 12.50m), new CheckoutLine(line2, stock2, 1, 3m) }, checkout.Lines!);
        // Persisted as one order row per line, each pointing back at the checkout.
        Assert.All(checkout.ToOrderRows(), row => Assert.Equal(OrderId, row.CheckoutId));
        Assert.Equal(new[] { line1, line2 }, checkout.ToOrderRows().Select(r => r.OrderId));
    }

    [Fact]
    public void An_entry_deleted_while_pending_is_marked_deleted()
    {
        var entry = GateStreamEntries.Read([new StreamEntry("3-0", [])]).Single();

        Assert.Null(entry.Reservation);
        Assert.Equal(GateStreamEntry.Deleted, entry.Raw);
    }

    [Theory]
    [InlineData("quantity", "two")]
    [InlineData("unitPrice", "9,99")]
    [InlineData("orderId", "not-a-guid")]
    [InlineData("reservedAt", "yesterday")]
    public void A_malformed_field_keeps_the_whole_entry_as_text_and_no_reservation(string field, string value)
    {
        var fields = Buy();
        fields[Array.IndexOf(fields, field) + 1] = value;

        var entry = GateStreamEntries.Read([Entry("4-0", fields)]).Single();

        Assert.Null(entry.Reservation);
        Assert.Contains($"{field}={value}", entry.Raw, StringComparison.Ordinal);
    }

    [Fact]
    public void A_buy_without_one_of_its_fields_is_malformed()
    {
        var fields = Buy()[2..]; // no orderId

        Assert.Null(GateStreamEntries.Read([Entry("5-0", fields)]).Single().Reservation);
    }

    [Theory]
    [InlineData("")]
    [InlineData("only:three:parts")]
    [InlineData("a:b:c:d")]
    public void A_checkout_with_no_lines_or_a_malformed_line_is_malformed(string lines)
    {
        var entry = GateStreamEntries.Read([Entry("6-0", "kind", "checkout", "orderId", OrderId.ToString("N"), "buyerId", "bob",
            "reservedAt", "2026-12-06T10:00:00Z", "idempotencyKey", "k", "lines", lines)]).Single();

        Assert.Null(entry.Reservation);
        Assert.NotEqual("", entry.Raw);
    }

    [Fact]
    public void Entries_keep_their_order_and_a_bad_one_does_not_spoil_the_others()
    {
        var entries = GateStreamEntries.Read([Entry("7-0", Buy()), Entry("7-1", "orderId", "x"), Entry("7-2", Buy(quantity: "1"))]);

        Assert.Equal(new[] { "7-0", "7-1", "7-2" }, entries.Select(e => e.Id));
        Assert.Equal(new[] { true, false, true }, entries.Select(e => e.Reservation is not null));
    }
}
