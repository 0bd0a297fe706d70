using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Shop.Web.Bff;
using Shop.Web.Presentation;
using Shop.Web.Services;
using Shop.ServiceDefaults.Problems;

namespace Shop.Web.Components.Tests;

/// <summary>The checkout's rules without a page: the attempt's key, what each answer says, the basket's notices.</summary>
public sealed class CheckoutLogicTests
{
    private static readonly BasketLine[] Lines =
    [
        new(12, "Lamp", 9.5m, 2, 19m, null, true),
        new(40, "Boots", 80m, 1, 80m, null, true),
    ];

    [Fact]
    public void An_attempt_keeps_its_key_for_the_same_lines_and_gets_a_new_one_for_others_or_after_a_final_answer()
    {
        var n = 0;
        var attempt = new CheckoutAttempt(() => $"key-{++n}");
        var first = attempt.KeyFor([new(12, 2), new(40, 1)]);
        Assert.Equal("key-1", first);
        Assert.Equal(first, attempt.KeyFor([new(40, 1), new(12, 2)])); // the same lines in another order
        Assert.Equal("key-2", attempt.KeyFor([new(12, 3), new(40, 1)]));
        attempt.Finish();
        Assert.Null(attempt.Key);
        Assert.Equal("key-3", attempt.KeyFor([new(12, 3), new(40, 1)]));
    }

    [Fact]
    public void Default_keys_are_fresh_and_follow_the_contract()
    {
        var attempt = new CheckoutAttempt();
        var key = attempt.KeyFor([new(1, 1)]);
        attempt.Finish();
        Assert.Matches("^[A-Za-z0-9._:-]{1,64}$", key);
        Assert.NotEqual(key, attempt.KeyFor([new(1, 1)]));
    }

    [Theory]
    [InlineData("short", 1, 2, "Only 1 left (you asked for 2).")]
    [InlineData("short", 0, 3, "Sold out (you asked for 3).")]
    [InlineData("unavailable", 0, 1, "No longer sold: remove it from your basket.")]
    [InlineData("unknown", 0, 1, "Not sold here: remove it from your basket.")]
    public void Each_refused_line_says_why(string reason, long available, int requested, string message) =>
        Assert.Equal(message, CheckoutOutcome.LineMessage(new RefusedLine(12, requested, available, reason)));

    [Fact]
    public void Insufficient_stock_names_every_short_line_and_is_final()
    {
        var outcome = CheckoutOutcome.From(new CheckoutAnswer(409, null,
            new CheckoutProblem(ProblemTypes.InsufficientStock, null, 409, null, [new RefusedLine(12, 2, 1, "short"), new RefusedLine(99, 1, 0, "unavailable")]), null), Lines);
        Assert.Equal(CheckoutResult.LinesRefused, outcome.Result);
        Assert.False(outcome.SameAttempt);
        Assert.Equal("Not enough stock for your whole basket, so nothing was ordered. Lamp: Only 1 left (you asked for 2). "
            + "Item 99: No longer sold: remove it from your basket. Change your basket and check out again.", outcome.Message);
        Assert.Equal(["Only 1 left (you asked for 2).", "No longer sold: remove it from your basket."], outcome.LineMessages.Values);
    }

    [Theory]
    [InlineData(202, CheckoutResult.Placed, false)]
    [InlineData(401, CheckoutResult.SignIn, false)]
    [InlineData(429, CheckoutResult.Busy, true)]
    [InlineData(503, CheckoutResult.Busy, true)]
    [InlineData(0, CheckoutResult.Failed, true)]
    [InlineData(500, CheckoutResult.Failed, true)]
    [InlineData(400, CheckoutResult.Refused, false)]
    [InlineData(409, CheckoutResult.Refused, false)] // a 409 without the short lines (another conflict)
    [InlineData(422, CheckoutResult.Refused, false)] // the same key with other lines
    public void Every_answer_has_its_outcome_and_only_retryable_ones_keep_the_key(int status, CheckoutResult result, bool sameAttempt)
    {
        var outcome = CheckoutOutcome.From(new CheckoutAnswer(status, null, null, null), Lines);
        Assert.Equal(result, outcome.Result);
        Assert.Equal(sameAttempt, outcome.SameAttempt);
        Assert.False(string.IsNullOrWhiteSpace(outcome.Message));
    }

    [Theory]
    [InlineData(null, 2, "Try again in 2 seconds.")]
    [InlineData(1, 1, "Try again in 1 second.")]
    [InlineData(7, 7, "Try again in 7 seconds.")]
    public void Busy_says_when_to_try_again(int? retryAfter, int seconds, string end)
    {
        var outcome = CheckoutOutcome.From(new CheckoutAnswer(429, null, null, retryAfter is { } s ? TimeSpan.FromSeconds(s) : null), Lines);
        Assert.Equal(seconds, outcome.RetryAfterSeconds);
        Assert.EndsWith(end, outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Orders_of_both_kinds_read_from_the_contract()
    {
        var orders = JsonSerializer.Deserialize("""
            [{"orderId":"0193b2c4-1111-7000-8000-000000000001","kind":"checkout","saleId":null,"quantity":3,"unitPrice":null,"total":28.5,
              "status":"pending","reservedAt":"2026-03-01T12:00:00Z","expiresAt":null,"paidAt":null,
              "lines":[{"itemId":12,"itemName":"Lamp","quantity":2,"unitPrice":9.5,"total":19.0}]},
             {"orderId":"0193b2c4-2222-7000-8000-000000000002","kind":"flash-sale","saleId":"0193b2c4-3333-7000-8000-000000000003","quantity":1,
              "unitPrice":49.99,"total":49.99,"status":"paid","reservedAt":"2026-03-01T12:00:00Z","expiresAt":null,"paidAt":"2026-03-01T12:01:00Z",
              "lines":[{"itemId":7,"itemName":"Compass","quantity":1,"unitPrice":49.99,"total":49.99}]}]
            """, ShopJsonContext.Default.IReadOnlyListOrder)!;
        Assert.True(orders[0].IsCheckout);
        Assert.Null(orders[0].SaleId);
        Assert.Null(orders[0].UnitPrice);
        Assert.Equal("Lamp", orders[0].Lines![0].ItemName);
        Assert.False(orders[1].IsCheckout);
        Assert.Equal(49.99m, orders[1].UnitPrice);
    }

    [Theory]
    [InlineData("urn:shop:problem:item-not-found", BasketNotices.Gone)]
    [InlineData("urn:shop:problem:basket-full", BasketNotices.Full)]
    [InlineData("urn:shop:problem:invalid-request", BasketNotices.AtMost)]
    public void Basket_refusals_have_their_notice(string type, string notice) =>
        Assert.Equal(notice, BasketNotices.ForProblem(ApiProblem.Empty with { Type = type }));

    [Theory]
    [InlineData("/", "/?basket=added&item=12#item-12")]
    [InlineData("/?q=lamp&page=2", "/?q=lamp&page=2&basket=added&item=12#item-12")]
    [InlineData("/items/12?basket=full&item=12", "/items/12?basket=added&item=12#item-12")]
    public async Task After_adding_to_the_basket_the_shopper_is_back_on_the_page_at_the_item(string returnUrl, string expected)
    {
        var result = BasketForms.Back(returnUrl, BasketNotices.Added, 12);
        var http = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider() };
        await result.ExecuteAsync(http);
        Assert.Equal(expected, http.Response.Headers.Location.ToString());
    }
}
