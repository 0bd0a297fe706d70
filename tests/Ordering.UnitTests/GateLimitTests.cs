using Shop.Ordering.Core.Checkout;
using Shop.Ordering.Core.Redis;
using StackExchange.Redis;

namespace Shop.Ordering.UnitTests;

/// <summary>
/// The gate's limits as the scripts report them (the open-orders cap, the soft memory limit) and the values the
/// client reads back: a buyer's open orders, INFO memory.
/// </summary>
public sealed class GateLimitTests
{
    private static RedisResult[] Reply(params string[] values) => [.. values.Select(v => RedisResult.Create((RedisValue)v))];

    [Fact]
    public void At_the_open_orders_cap_a_reservation_and_a_checkout_carry_what_the_buyer_holds_and_the_caps()
    {
        var reservation = GateReplies.Reservation(Reply("open-orders", "10", "12", "10", "250"));
        var checkout = GateReplies.Checkout(Reply("open-orders", "3", "248", "10", "250"), [new CheckoutItem(7, 5)]);

        Assert.Equal(new ReservationDecision(ReservationOutcome.OpenOrdersCap, Cap: new OpenOrdersCap(10, 12, 10, 250)), reservation);
        Assert.Equal(CheckoutOutcome.OpenOrdersCap, checkout.Outcome);
        Assert.Equal(new OpenOrdersCap(3, 248, 10, 250), checkout.Cap);
    }

    [Fact]
    public void The_cap_s_problem_says_which_cap_and_what_to_do()
    {
        Assert.Equal("You have 10 unpaid order(s), the most one buyer may hold open (10): pay or cancel one first.",
            new OpenOrdersCap(10, 12, 10, 250).Detail(1));
        Assert.Equal("You hold 248 unit(s) in unpaid orders; with these 5 you would pass the most one buyer may hold open (250): pay or cancel an order first.",
            new OpenOrdersCap(3, 248, 10, 250).Detail(5));
    }

    [Fact]
    public void Over_the_soft_memory_limit_nothing_is_reserved()
    {
        Assert.Equal(ReservationOutcome.GateFull, GateReplies.Reservation(Reply("memory-full")).Outcome);
        Assert.Equal(CheckoutOutcome.GateFull, GateReplies.Checkout(Reply("memory-full"), [new CheckoutItem(7, 1)]).Outcome);
    }

    [Theory]
    [InlineData("3|1765000000000", 3, 1765000000000)]
    [InlineData("250|1", 250, 1)]
    public void An_open_order_is_units_and_payment_deadline(string value, int units, long deadline) =>
        Assert.Equal(new OpenOrder(units, deadline), OpenOrder.Parse(value));

    [Theory]
    [InlineData("")]
    [InlineData("3")]
    [InlineData("|17")]
    [InlineData("-3|17")]
    [InlineData("3|soon")]
    public void A_malformed_open_order_is_an_error_never_a_guess(string value) =>
        Assert.Throws<FormatException>(() => OpenOrder.Parse(value));

    [Fact]
    public void Info_memory_gives_used_and_max_bytes()
    {
        const string Info = "# Memory\r\nused_memory:1048576\r\nused_memory_human:1.00M\r\nused_memory_rss:9000000\r\nmaxmemory:4294967296\r\nmaxmemory_human:4.00G\r\nmaxmemory_policy:noeviction\r\n";

        Assert.Equal(new GateMemory(1048576, 4294967296), GateMemory.Parse(Info));
        Assert.Throws<FormatException>(() => GateMemory.Parse("# Memory\r\nused_memory_rss:1\r\n"));
    }
}
