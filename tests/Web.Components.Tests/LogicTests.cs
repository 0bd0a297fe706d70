using System.Security.Claims;
using Microsoft.Extensions.Options;
using Shop.ServiceDefaults.Identity;
using Shop.Web.Bff;
using Shop.Web.Identity;
using Shop.Web.Presentation;
using Shop.Web.Services;
using Shop.ServiceDefaults.Problems;
using Shop.Testing.Tokens;

namespace Shop.Web.Components.Tests;

/// <summary>The storefront's own rules, without a browser or a running shop.</summary>
public sealed class LogicTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(1, 120, new[] { 1, 2, 0, 10 })]
    [InlineData(3, 120, new[] { 1, 2, 3, 4, 0, 10 })]
    [InlineData(10, 120, new[] { 1, 0, 9, 10 })]
    [InlineData(1, 0, new int[0])]
    public void Pagination_links(int current, long total, int[] expected)
    {
        var links = new Pagination(current, 12, total).Links().Select(l => l ?? 0).ToArray();
        Assert.Equal(total == 0 ? [1] : expected, links);
    }

    [Fact]
    public void Orders_placed_in_the_same_millisecond_have_different_numbers()
    {
        var at = DateTimeOffset.UtcNow;
        var ids = Enumerable.Range(0, 1000).Select(_ => Guid.CreateVersion7(at)).ToList();
        var numbers = ids.Select(OrderNumbers.Of).ToList();

        // Version-7 ids of one instant share their leading characters: the old number (the first 8) was one for all.
        Assert.Single(ids.Select(id => id.ToString()[..8]).Distinct());
        Assert.Equal(ids.Count, numbers.Distinct().Count());
        Assert.All(numbers, n => Assert.Matches("^[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}$", n));
        Assert.Equal("89AB-CDEF-0123", OrderNumbers.Of(Guid.Parse("01234567-0000-7000-8000-89abcdef0123")));
    }

    [Fact]
    public void Pagination_range_and_bounds()
    {
        var last = new Pagination(10, 12, 115);
        Assert.Equal(10, last.PageCount);
        Assert.Equal((109L, 115L), last.Range);
        Assert.False(last.HasNext);
        Assert.True(last.HasPrevious);
        Assert.Equal((0L, 0L), new Pagination(1, 12, 0).Range);
    }

    [Theory]
    [InlineData("2", 2)]
    [InlineData("0", 1)]
    [InlineData("-3", 1)]
    [InlineData("abc", 1)]
    [InlineData("99999999999", 1)]
    [InlineData(null, 1)]
    public void Page_numbers_from_the_query_are_clamped(string? value, int expected) =>
        Assert.Equal(expected, Pagination.ParsePage(value));

    [Fact]
    public void Sale_phase_follows_the_window_the_stock_and_cancellation()
    {
        var starts = Now.AddMinutes(-1);
        var ends = Now.AddHours(1);
        Assert.Equal(SalePhase.Live, SaleTiming.Phase("Live", starts, ends, 5, Now));
        Assert.Equal(SalePhase.Live, SaleTiming.Phase("Live", starts, ends, null, Now));
        Assert.Equal(SalePhase.SoldOut, SaleTiming.Phase("Live", starts, ends, 0, Now));
        Assert.Equal(SalePhase.Upcoming, SaleTiming.Phase("Upcoming", Now.AddSeconds(1), ends, 5, Now));
        Assert.Equal(SalePhase.Ended, SaleTiming.Phase("Live", starts, Now, 5, Now));
        Assert.Equal(SalePhase.Cancelled, SaleTiming.Phase("Cancelled", starts, ends, 5, Now));
    }

    [Theory]
    [InlineData(0, "00:00")]
    [InlineData(-5, "00:00")]
    [InlineData(59.9, "00:59")]
    [InlineData(3599, "59:59")]
    [InlineData(3600, "01:00:00")]
    [InlineData(90061, "1d 01:01:01")]
    public void Remaining_time_is_formatted_like_the_script_does(double seconds, string expected) =>
        Assert.Equal(expected, SaleTiming.FormatRemaining(TimeSpan.FromSeconds(seconds)));

    [Theory]
    [InlineData(100, 50, 50)]
    [InlineData(86.99, 52.19, 40)]
    [InlineData(10, 10, 0)]
    [InlineData(0, 5, 0)]
    public void Discount_percent(decimal regular, decimal sale, int expected) =>
        Assert.Equal(expected, SaleTiming.DiscountPercent(regular, sale));

    [Theory]
    [InlineData(0, "$0.00")]
    [InlineData(1234.5, "$1,234.50")]
    [InlineData(49.99, "$49.99")]
    public void Money_is_formatted_without_culture_data(decimal amount, string expected) =>
        Assert.Equal(expected, Money.Format(amount));

    [Theory]
    [InlineData("/orders", "/orders")]
    [InlineData("/sales/1?x=2", "/sales/1?x=2")]
    [InlineData(null, "/")]
    [InlineData("", "/")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("//evil.example/", "/")]
    [InlineData("/\\evil.example/", "/")]
    [InlineData("orders", "/")]
    [InlineData("/signin?returnUrl=/x", "/")]
    public void Return_urls_stay_on_the_shop(string? returnUrl, string expected) =>
        Assert.Equal(expected, ShopperSession.SafeReturnUrl(returnUrl));

    [Fact]
    public void The_session_principal_carries_the_tokens_subject_name_and_roles()
    {
        var issuer = new TestTokenIssuer(TestTokenIssuer.NewKey());
        var token = issuer.Issue("user-42", "alice", [ShopRoles.Shopper]).AccessToken;
        var principal = ShopperSession.PrincipalFromToken(token);
        Assert.Equal("alice", principal.Identity!.Name);
        Assert.Equal("user-42", principal.FindFirstValue(ShopClaimTypes.UserId));
        Assert.True(principal.IsInRole(ShopRoles.Shopper));
        Assert.False(principal.IsAdmin());
        Assert.True(ShopperSession.PrincipalFromToken(issuer.Issue("1", "admin", [ShopRoles.Admin]).AccessToken).IsAdmin());
    }

    [Theory]
    [InlineData(31, "/api/catalog/items/31/pic?v=1a2b", "/catalog-pictures/31?v=1a2b")]
    [InlineData(7, "/api/catalog/items/7/pic", "/catalog-pictures/7")]
    [InlineData(7, null, "/catalog-pictures/7")]
    public void Pictures_are_served_from_the_storefront(int itemId, string? pictureUrl, string expected) =>
        Assert.Equal(expected, PictureEndpoints.Url(itemId, pictureUrl));

    [Theory]
    [InlineData(OrderAction.Pay, 200, null, OrderNotices.Paid)]
    [InlineData(OrderAction.Cancel, 200, null, OrderNotices.Cancelled)]
    [InlineData(OrderAction.Pay, 409, ProblemTypes.OrderNotConfirmed, OrderNotices.NotConfirmed)]
    [InlineData(OrderAction.Pay, 409, ProblemTypes.OrderClosed, OrderNotices.Closed)]
    [InlineData(OrderAction.Cancel, 404, null, OrderNotices.NotFound)]
    [InlineData(OrderAction.Pay, 503, null, OrderNotices.Unavailable)]
    public void Order_form_answers_become_notices(OrderAction action, int status, string? type, string expected)
    {
        Assert.Equal(expected, OrderNotices.For(action, status, type));
        Assert.NotNull(OrderNotices.Text(expected));
    }

    [Fact]
    public void Order_statuses_and_what_can_be_done()
    {
        Assert.True(OrderStatuses.CanPay("confirmed"));
        Assert.False(OrderStatuses.CanPay("pending"));
        Assert.False(OrderStatuses.CanCancel("paid"));
        Assert.True(OrderStatuses.IsOpen("pending"));
        Assert.False(OrderStatuses.IsOpen("expired"));
        Assert.Equal("Confirmed", OrderStatuses.Label("confirmed"));
    }
}
