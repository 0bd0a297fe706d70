using Shop.ServiceDefaults.Http;
using Shop.Ordering.Api.Admission;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Primitives;
using Shop.Ordering.Api.Apis;
using Shop.Ordering.Api.Checkout;

namespace Shop.Ordering.UnitTests;

/// <summary>
/// The rules a buy or checkout request must pass before anything is reserved: the Idempotency-Key header, the
/// basket's lines, and the Retry-After a refused attempt is told. Each refusal says what to send instead.
/// </summary>
public sealed class RequestRuleTests
{
    private static readonly CheckoutOptions Limits = new() { MaxLines = 3, MaxQuantity = 10 };

    [Theory]
    [InlineData("3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b")]
    [InlineData("a")]
    [InlineData("order:2026-12-06_attempt.1")]
    public void A_key_of_1_to_64_allowed_characters_passes(string key)
    {
        Assert.Null(IdempotencyKeys.Validate(new StringValues(key)));
    }

    [Fact]
    public void A_missing_key_is_asked_for_naming_the_attempt()
    {
        Assert.Contains("required", IdempotencyKeys.Validate(StringValues.Empty), StringComparison.Ordinal);
        Assert.Contains("per checkout attempt", IdempotencyKeys.Validate(new StringValues(""), attempt: "checkout"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("semi;colon")]
    [InlineData("ünïcode")]
    public void A_key_with_other_characters_is_refused(string key)
    {
        Assert.Contains("1 to 64 letters, digits", IdempotencyKeys.Validate(new StringValues(key)), StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_of_65_characters_or_two_keys_are_refused()
    {
        Assert.NotNull(IdempotencyKeys.Validate(new StringValues(new string('k', 65))));
        Assert.Null(IdempotencyKeys.Validate(new StringValues(new string('k', 64))));
        Assert.NotNull(IdempotencyKeys.Validate(new StringValues(["one", "two"])));
    }

    [Fact]
    public void A_basket_of_distinct_items_within_the_limits_passes()
    {
        Assert.Null(CheckoutApi.ValidateLines([new(1, 1), new(2, 10), new(3, 5)], Limits));
    }

    [Fact]
    public void An_empty_basket_is_refused_with_an_example()
    {
        Assert.Contains(CheckoutApi.BodyExample, CheckoutApi.ValidateLines([], Limits), StringComparison.Ordinal);
        Assert.NotNull(CheckoutApi.ValidateLines(null, Limits));
    }

    [Fact]
    public void Too_many_lines_are_refused_with_the_limit()
    {
        Assert.Equal("A checkout has at most 3 lines; this one has 4.", CheckoutApi.ValidateLines([new(1, 1), new(2, 1), new(3, 1), new(4, 1)], Limits));
    }

    [Theory]
    [InlineData(0, 1, "Item id 0 is not valid")]
    [InlineData(-5, 1, "Item id -5 is not valid")]
    [InlineData(7, 0, "Item 7: the quantity must be between 1 and 10 (got 0)")]
    [InlineData(7, 11, "Item 7: the quantity must be between 1 and 10 (got 11)")]
    public void A_bad_line_is_named(int itemId, int quantity, string problem)
    {
        Assert.StartsWith(problem, CheckoutApi.ValidateLines([new(1, 1), new(itemId, quantity)], Limits), StringComparison.Ordinal);
    }

    [Fact]
    public void A_null_line_or_an_item_listed_twice_is_refused()
    {
        Assert.StartsWith("A line is null", CheckoutApi.ValidateLines([new(1, 1), null!], Limits), StringComparison.Ordinal);
        Assert.Equal("Item 2 is listed twice: send each item once, with its whole quantity.", CheckoutApi.ValidateLines([new(2, 1), new(1, 1), new(2, 3)], Limits));
    }

    [Theory]
    [InlineData(0.2, "1")]
    [InlineData(1.0, "1")]
    [InlineData(1.01, "2")]
    [InlineData(4.5, "5")]
    public void Retry_after_is_whole_seconds_rounded_up_and_at_least_one(double seconds, string header)
    {
        Assert.Equal(header, OrderAdmission.RetryAfterSeconds(new RefusedLease(TimeSpan.FromSeconds(seconds))));
    }

    [Fact]
    public void A_refusal_that_says_nothing_of_when_is_told_one_second()
    {
        Assert.Equal("1", OrderAdmission.RetryAfterSeconds(new RefusedLease(null)));
    }

    private sealed class RefusedLease(TimeSpan? retryAfter) : RateLimitLease
    {
        public override bool IsAcquired => false;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = retryAfter;
            return retryAfter is not null && metadataName == MetadataName.RetryAfter.Name;
        }
    }
}
