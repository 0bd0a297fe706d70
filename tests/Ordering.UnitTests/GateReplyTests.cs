using Shop.Ordering.Core.Checkout;
using Shop.Ordering.Core.Redis;
using StackExchange.Redis;

namespace Shop.Ordering.UnitTests;

/// <summary>
/// reserve.lua's and checkout.lua's replies, as the scripts write them (tables of strings), read into decisions:
/// every outcome, the figure that goes with it, and a reply no version knows.
/// </summary>
public sealed class GateReplyTests
{
    private static readonly Guid OrderId = Guid.Parse("0193a5e4-7a3c-7d1e-9f2b-3c4d5e6f7a8b");

    private static RedisResult[] Reply(params string[] values) => [.. values.Select(v => RedisResult.Create((RedisValue)v))];

    [Fact]
    public void Accepted_carries_the_order_and_the_stock_left()
    {
        var decision = GateReplies.Reservation(Reply("accepted", OrderId.ToString("N"), "41"));

        Assert.Equal(new ReservationDecision(ReservationOutcome.Accepted, OrderId, Number: 41), decision);
    }

    [Fact]
    public void A_repeat_carries_the_first_answer_of_the_key()
    {
        var decision = GateReplies.Reservation(Reply("repeat", $"{OrderId:N}|3"));

        Assert.Equal(new ReservationDecision(ReservationOutcome.Repeat, OrderId, Quantity: 3), decision);
    }

    [Fact]
    public void Sold_out_with_nothing_left_counts_the_accepted_keys_and_with_some_left_does_not()
    {
        Assert.Equal(new ReservationDecision(ReservationOutcome.SoldOut, Number: 0, AcceptedKeys: 1500), GateReplies.Reservation(Reply("sold-out", "0", "1500")));
        Assert.Equal(new ReservationDecision(ReservationOutcome.SoldOut, Number: 2), GateReplies.Reservation(Reply("sold-out", "2")));
    }

    [Theory]
    [InlineData("over-limit", ReservationOutcome.OverLimit, 1, 2)]
    [InlineData("not-started", ReservationOutcome.NotStarted, 1_800_000_000_000, 0)]
    [InlineData("ended", ReservationOutcome.Ended, 0, 0)]
    [InlineData("cancelled", ReservationOutcome.Cancelled, 0, 0)]
    [InlineData("unknown", ReservationOutcome.UnknownSale, 0, 0)]
    [InlineData("restoring", ReservationOutcome.Restoring, 0, 0)]
    public void Every_refusal_has_its_outcome_and_figures(string reply, ReservationOutcome outcome, long number, long limit)
    {
        string[] values = outcome switch
        {
            ReservationOutcome.OverLimit => [reply, number.ToString(System.Globalization.CultureInfo.InvariantCulture), limit.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            ReservationOutcome.NotStarted => [reply, number.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            _ => [reply],
        };

        Assert.Equal(new ReservationDecision(outcome, Number: number, Limit: limit), GateReplies.Reservation(Reply(values)));
    }

    [Fact]
    public void A_reply_this_version_does_not_know_is_an_error_not_a_guess()
    {
        var error = Assert.Throws<InvalidOperationException>(() => GateReplies.Reservation(Reply("paused")));
        Assert.Contains("'paused'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stored_answer_that_is_not_orderId_bar_quantity_is_refused()
    {
        Assert.Equal(new AcceptedAnswer(OrderId, 12), AcceptedAnswer.Parse($"{OrderId:N}|12"));
        Assert.Throws<FormatException>(() => AcceptedAnswer.Parse(OrderId.ToString("N")));
        Assert.Throws<FormatException>(() => AcceptedAnswer.Parse($"{OrderId:N}|-1"));
        Assert.Throws<FormatException>(() => AcceptedAnswer.Parse($"not-a-guid|1"));
    }

    [Fact]
    public void A_checkout_accepted_or_repeated_carries_its_order_and_a_repeat_the_lines_it_was_for()
    {
        CheckoutItem[] lines = [new(7, 2), new(3, 1)];

        Assert.Equal(new CheckoutDecision(CheckoutOutcome.Accepted, OrderId), GateReplies.Checkout(Reply("accepted", OrderId.ToString("N")), lines));
        Assert.Equal(new CheckoutDecision(CheckoutOutcome.Repeat, OrderId, "3:1,7:2"), GateReplies.Checkout(Reply("repeat", $"{OrderId:N}|3:1,7:2"), lines));
        Assert.Equal(new CheckoutDecision(CheckoutOutcome.Restoring), GateReplies.Checkout(Reply("restoring"), lines));
    }

    [Fact]
    public void A_refused_checkout_names_every_line_with_what_was_asked_and_what_is_left()
    {
        CheckoutItem[] lines = [new(7, 5), new(3, 1), new(9, 2)];

        var decision = GateReplies.Checkout(Reply("refused", "short", "7", "4", "unavailable", "3", "0", "unknown", "9", "0"), lines);

        Assert.Equal(CheckoutOutcome.Refused, decision.Outcome);
        Assert.Equal(new[] { new RefusedLine(7, 5, 4, "short"), new RefusedLine(3, 1, 0, "unavailable"), new RefusedLine(9, 2, 0, "unknown") }, decision.Refused!);
    }

    [Fact]
    public void A_checkout_reply_this_version_does_not_know_is_an_error()
    {
        Assert.Throws<InvalidOperationException>(() => GateReplies.Checkout(Reply("queued"), [new CheckoutItem(1, 1)]));
    }

    [Fact]
    public void The_fingerprint_of_a_checkout_is_its_lines_in_item_order_whatever_order_they_came_in()
    {
        Assert.Equal("3:1,7:2", GateClient.CheckoutFingerprint([new(7, 2), new(3, 1)]));
        Assert.Equal(GateClient.CheckoutFingerprint([new(3, 1), new(7, 2)]), GateClient.CheckoutFingerprint([new(7, 2), new(3, 1)]));
        Assert.NotEqual(GateClient.CheckoutFingerprint([new(3, 1), new(7, 2)]), GateClient.CheckoutFingerprint([new(3, 2), new(7, 1)]));
    }

    [Theory]
    [InlineData(1, ReleaseOutcome.Released)]
    [InlineData(0, ReleaseOutcome.AlreadyReleased)]
    [InlineData(-1, ReleaseOutcome.NoStock)]
    public void Release_replies_are_read_into_their_outcomes(long reply, ReleaseOutcome outcome) =>
        Assert.Equal(outcome, GateReplies.Release(RedisResult.Create((RedisValue)reply)));

    [Fact]
    public void A_number_release_never_answers_is_an_error()
    {
        Assert.Throws<InvalidOperationException>(() => GateReplies.Release(RedisResult.Create((RedisValue)2)));
    }

    [Fact]
    public void A_restock_carries_the_difference_it_made_up_or_down()
    {
        Assert.Equal(new RestockReply(RestockOutcome.Applied, 15), GateReplies.Restock(Reply("applied", "15")));
        Assert.Equal(new RestockReply(RestockOutcome.Applied, -4), GateReplies.Restock(Reply("applied", "-4")));
        Assert.Equal(new RestockReply(RestockOutcome.Older), GateReplies.Restock(Reply("older")));
        Assert.Equal(new RestockReply(RestockOutcome.Missing), GateReplies.Restock(Reply("missing")));
        Assert.Throws<InvalidOperationException>(() => GateReplies.Restock(Reply("skipped")));
    }
}
