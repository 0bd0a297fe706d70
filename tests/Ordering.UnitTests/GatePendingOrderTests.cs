using Shop.Ordering.Core.Redis;
using StackExchange.Redis;

namespace Shop.Ordering.UnitTests;

public sealed class GatePendingOrderTests
{
    private static readonly Guid Order = Guid.Parse("0195f3a0-0000-7000-8000-000000000001");
    private static readonly Guid Stock = Guid.Parse("0195f3a0-0000-7000-8000-0000000000aa");
    private static readonly Guid Checkout = Guid.Parse("0195f3a0-0000-7000-8000-0000000000cc");

    [Fact]
    public void A_flash_sale_order_is_read_from_its_hash()
    {
        var order = GatePendingOrder.Parse(Order, "alice", ["alice", Stock.ToString("N"), "2", "9.99", "2026-03-01T12:00:00.0000000+00:00", "pending", RedisValue.Null]);

        Assert.Equal(new GatePendingOrder(Order, null, Stock, 2, 9.99m, DateTimeOffset.Parse("2026-03-01T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture), "pending"), order);
    }

    [Fact]
    public void A_checkout_line_carries_its_checkout() =>
        Assert.Equal(Checkout, GatePendingOrder.Parse(Order, "alice", ["alice", Stock.ToString("N"), "1", "5", "2026-03-01T12:00:00Z", "pending", Checkout.ToString("N")])!.CheckoutId);

    [Fact]
    public void Another_buyers_order_or_a_hash_that_is_gone_is_not_shown()
    {
        Assert.Null(GatePendingOrder.Parse(Order, "mallory", ["alice", Stock.ToString("N"), "1", "5", "2026-03-01T12:00:00Z", "pending", RedisValue.Null]));
        Assert.Null(GatePendingOrder.Parse(Order, "alice", [RedisValue.Null, RedisValue.Null, RedisValue.Null, RedisValue.Null, RedisValue.Null, RedisValue.Null, RedisValue.Null]));
    }
}
