using Shop.Ordering.Core.Redis;
using StackExchange.Redis;

namespace Shop.Ordering.UnitTests;

public sealed class GateStockFiguresTests
{
    [Fact]
    public void A_stock_the_gate_holds_is_read_field_by_field()
    {
        var figures = GateStockFigures.Parse(["7", "10", "Scheduled", "1767225600000", "1767229200000"]);

        Assert.Equal(new GateStockFigures(7, 10, "Scheduled", DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture),
            DateTimeOffset.Parse("2026-01-01T01:00:00Z", System.Globalization.CultureInfo.InvariantCulture)), figures);
    }

    [Fact]
    public void Units_below_zero_are_shown_as_none_left() =>
        Assert.Equal(0, GateStockFigures.Parse(["-2", "10", "Scheduled", "0", "1"])!.Available);

    [Fact]
    public void A_stock_the_gate_does_not_hold_is_null_not_zero() =>
        Assert.Null(GateStockFigures.Parse([RedisValue.Null, RedisValue.Null, RedisValue.Null, RedisValue.Null, RedisValue.Null]));

    [Fact]
    public void Values_that_are_not_the_fields_read_are_refused() =>
        Assert.Throws<ArgumentException>(() => GateStockFigures.Parse(["1", "2"]));
}
