using System.Text;
using System.Text.Json;
using Shop.Ordering.Core.Messaging;
using Shop.Ordering.Worker.Reservations;

namespace Shop.Ordering.UnitTests;

/// <summary>
/// The worker's reading of a reservation message: what it can persist passes, and what no retry could ever persist
/// (bad JSON, a missing or impossible field) is named, so that it is dead-lettered instead of failing its batch.
/// </summary>
public sealed class ReservationParserTests
{
    private static readonly ReservationMessage Buy = new(Guid.CreateVersion7(), Guid.NewGuid(), "alice", 2, 9.99m,
        new DateTimeOffset(2026, 12, 6, 10, 0, 0, TimeSpan.Zero), "key-1");

    private static (ReservationMessage? Reservation, string? Problem) Parse(ReservationMessage message) =>
        ReservationParser.Parse(JsonSerializer.SerializeToUtf8Bytes(message, OrderingJsonContext.Default.ReservationMessage));

    [Fact]
    public void A_buy_round_trips()
    {
        var (reservation, problem) = Parse(Buy);

        Assert.Null(problem);
        Assert.Equal(Buy, reservation);
    }

    [Fact]
    public void A_checkout_round_trips_with_its_lines()
    {
        var checkout = Buy with { SaleId = Guid.Empty, UnitPrice = 0, Lines = [new CheckoutLine(Guid.NewGuid(), Guid.NewGuid(), 2, 5m)] };

        var (reservation, problem) = Parse(checkout);

        Assert.Null(problem);
        Assert.Equal(checkout.Lines, reservation!.Lines!);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"orderId\": 12}")]
    public void What_is_not_a_reservation_is_named_as_such(string body)
    {
        var (reservation, problem) = ReservationParser.Parse(Encoding.UTF8.GetBytes(body));

        Assert.Null(reservation);
        Assert.StartsWith("not a reservation", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_null_message_is_empty()
    {
        Assert.Equal("empty message", ReservationParser.Parse("null"u8).Problem);
    }

    public static TheoryData<string, string> ImpossibleBuys => new()
    {
        { "orderId", "no orderId" },
        { "saleId", "no saleId" },
        { "buyerId", "no buyerId" },
        { "quantity", "quantity must be positive" },
        { "unitPrice", "unitPrice out of range" },
        { "reservedAt", "no reservedAt" },
    };

    [Theory]
    [MemberData(nameof(ImpossibleBuys))]
    public void A_buy_with_a_missing_or_impossible_field_is_named(string field, string expected)
    {
        var impossible = field switch
        {
            "orderId" => Buy with { OrderId = Guid.Empty },
            "saleId" => Buy with { SaleId = Guid.Empty },
            "buyerId" => Buy with { BuyerId = "" },
            "quantity" => Buy with { Quantity = 0 },
            "unitPrice" => Buy with { UnitPrice = 10_000_000_000m },
            _ => Buy with { ReservedAt = default },
        };

        Assert.Equal((null, expected), Parse(impossible));
    }

    [Fact]
    public void A_negative_price_is_out_of_range_and_the_largest_numeric_12_2_is_not()
    {
        Assert.Equal("unitPrice out of range", Parse(Buy with { UnitPrice = -0.01m }).Problem);
        Assert.Null(Parse(Buy with { UnitPrice = 9_999_999_999.99m }).Problem);
    }

    [Fact]
    public void A_checkout_whose_lines_cannot_all_be_persisted_is_named()
    {
        var stock = Guid.NewGuid();
        var checkout = Buy with { SaleId = Guid.Empty, Lines = [] };

        Assert.Equal("a checkout without lines", Parse(checkout).Problem);
        Assert.Equal("a line without lineId or stockId", Parse(checkout with { Lines = [new CheckoutLine(Guid.NewGuid(), Guid.Empty, 1, 1m)] }).Problem);
        Assert.Equal("a line's quantity must be positive", Parse(checkout with { Lines = [new CheckoutLine(Guid.NewGuid(), stock, 0, 1m)] }).Problem);
        Assert.Equal("a line's unitPrice out of range", Parse(checkout with { Lines = [new CheckoutLine(Guid.NewGuid(), stock, 1, -1m)] }).Problem);
        Assert.Equal("two lines of one stock", Parse(checkout with
        {
            Lines = [new CheckoutLine(Guid.NewGuid(), stock, 1, 1m), new CheckoutLine(Guid.NewGuid(), stock, 2, 1m)],
        }).Problem);
    }
}
