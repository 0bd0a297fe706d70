using Shop.Ordering.Core.Messaging;
using Shop.Ordering.Worker.Reservations;

namespace Shop.Ordering.UnitTests;

/// <summary>
/// The worker's judgement of a reservation read from the gate's stream: what it can persist passes, and what no retry
/// could ever persist (a missing or impossible field) is named, so that it is parked instead of failing its batch.
/// (An entry that is not a reservation at all is told apart by <c>GateStreamEntries</c>: StreamEntryTests.)
/// </summary>
public sealed class ReservationChecksTests
{
    private static readonly ReservationMessage Buy = new(Guid.CreateVersion7(), Guid.NewGuid(), "alice", 2, 9.99m,
        new DateTimeOffset(2026, 12, 6, 10, 0, 0, TimeSpan.Zero), "key-1");

    [Fact]
    public void A_buy_and_a_checkout_with_its_lines_pass()
    {
        Assert.Null(ReservationChecks.ProblemOf(Buy));
        Assert.Null(ReservationChecks.ProblemOf(Buy with { StockId = Guid.Empty, UnitPrice = 0, Lines = [new CheckoutLine(Guid.NewGuid(), Guid.NewGuid(), 2, 5m)] }));
    }

    public static TheoryData<string, string> ImpossibleBuys => new()
    {
        { "orderId", "no orderId" },
        { "stockId", "no stockId" },
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
            "stockId" => Buy with { StockId = Guid.Empty },
            "buyerId" => Buy with { BuyerId = "" },
            "quantity" => Buy with { Quantity = 0 },
            "unitPrice" => Buy with { UnitPrice = 10_000_000_000m },
            _ => Buy with { ReservedAt = default },
        };

        Assert.Equal(expected, ReservationChecks.ProblemOf(impossible));
    }

    [Fact]
    public void A_negative_price_is_out_of_range_and_the_largest_numeric_12_2_is_not()
    {
        Assert.Equal("unitPrice out of range", ReservationChecks.ProblemOf(Buy with { UnitPrice = -0.01m }));
        Assert.Null(ReservationChecks.ProblemOf(Buy with { UnitPrice = 9_999_999_999.99m }));
    }

    [Fact]
    public void A_checkout_whose_lines_cannot_all_be_persisted_is_named()
    {
        var stock = Guid.NewGuid();
        var checkout = Buy with { StockId = Guid.Empty, Lines = [] };

        Assert.Equal("a checkout without lines", ReservationChecks.ProblemOf(checkout));
        Assert.Equal("a line without lineId or stockId", ReservationChecks.ProblemOf(checkout with { Lines = [new CheckoutLine(Guid.NewGuid(), Guid.Empty, 1, 1m)] }));
        Assert.Equal("a line's quantity must be positive", ReservationChecks.ProblemOf(checkout with { Lines = [new CheckoutLine(Guid.NewGuid(), stock, 0, 1m)] }));
        Assert.Equal("a line's unitPrice out of range", ReservationChecks.ProblemOf(checkout with { Lines = [new CheckoutLine(Guid.NewGuid(), stock, 1, -1m)] }));
        Assert.Equal("two lines of one stock", ReservationChecks.ProblemOf(checkout with
        {
            Lines = [new CheckoutLine(Guid.NewGuid(), stock, 1, 1m), new CheckoutLine(Guid.NewGuid(), stock, 2, 1m)],
        }));
    }
}
