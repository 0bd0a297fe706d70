using Shop.Web.Components.Shared;
using Shop.Web.Presentation;
using Shop.Web.Services;

namespace Shop.Web.Tests.Components;

/// <summary>The shared components that decide something: which pages to link, what a sale shows, prices.</summary>
public sealed class ComponentTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Pager_links_first_last_and_a_window_with_gaps()
    {
        var page = await ComponentRenderer.RenderAsync<Pager>(new()
        {
            [nameof(Pager.Pagination)] = new Pagination(6, 12, 120),
            [nameof(Pager.UrlFor)] = (Func<int, string>)(n => $"/?page={n}"),
        });
        var items = page.QuerySelectorAll(".pager li").Select(li => li.TextContent.Trim()).ToArray();
        Assert.Equal(["1", "…", "5", "6", "7", "…", "10"], items);
        Assert.Equal("6", page.QuerySelector("[aria-current=page]")!.TextContent);
        Assert.Equal("/?page=5", page.QuerySelector("a[rel=prev]")!.GetAttribute("href"));
        Assert.Equal("/?page=7", page.QuerySelector("a[rel=next]")!.GetAttribute("href"));
        Assert.Equal("Pages", page.QuerySelector("nav")!.GetAttribute("aria-label"));
    }

    [Fact]
    public async Task Pager_disables_previous_on_the_first_page_and_next_on_the_last()
    {
        var first = await ComponentRenderer.RenderAsync<Pager>(new()
        {
            [nameof(Pager.Pagination)] = new Pagination(1, 12, 30),
            [nameof(Pager.UrlFor)] = (Func<int, string>)(n => $"/?page={n}"),
        });
        Assert.Null(first.QuerySelector("a[rel=prev]"));
        Assert.Equal("true", first.QuerySelector(".pager-step")!.GetAttribute("aria-disabled"));
        Assert.Equal(["1", "2", "3"], first.QuerySelectorAll(".pager li").Select(li => li.TextContent.Trim()));

        var last = await ComponentRenderer.RenderAsync<Pager>(new()
        {
            [nameof(Pager.Pagination)] = new Pagination(3, 12, 30),
            [nameof(Pager.UrlFor)] = (Func<int, string>)(n => $"/?page={n}"),
        });
        Assert.Null(last.QuerySelector("a[rel=next]"));
        Assert.NotNull(last.QuerySelector("a[rel=prev]"));
    }

    [Fact]
    public async Task Pager_is_not_shown_for_a_single_page()
    {
        var page = await ComponentRenderer.RenderAsync<Pager>(new()
        {
            [nameof(Pager.Pagination)] = new Pagination(1, 12, 12),
            [nameof(Pager.UrlFor)] = (Func<int, string>)(n => $"/?page={n}"),
        });
        Assert.Null(page.QuerySelector("nav"));
    }

    [Theory]
    [InlineData(SalePhase.Live, "Live", "badge-live")]
    [InlineData(SalePhase.Upcoming, "Upcoming", "badge-upcoming")]
    [InlineData(SalePhase.SoldOut, "Sold out", "badge-soldout")]
    [InlineData(SalePhase.Ended, "Ended", "badge-ended")]
    [InlineData(SalePhase.Cancelled, "Cancelled", "badge-cancelled")]
    public async Task Sale_status_badge_names_and_colours_each_phase(SalePhase phase, string text, string cssClass)
    {
        var page = await ComponentRenderer.RenderAsync<SaleStatusBadge>(new() { [nameof(SaleStatusBadge.Phase)] = phase });
        var badge = page.QuerySelector("[data-sale-status]")!;
        Assert.Equal(text, badge.TextContent);
        Assert.Contains(cssClass, badge.ClassList);
    }

    [Fact]
    public async Task Price_tag_shows_the_sale_price_against_the_regular_price()
    {
        var page = await ComponentRenderer.RenderAsync<PriceTag>(new()
        {
            [nameof(PriceTag.RegularPrice)] = 342.99m,
            [nameof(PriceTag.SalePrice)] = 171.50m,
        });
        Assert.Equal("$171.50", page.QuerySelector("[data-sale-price]")!.TextContent);
        Assert.Equal("$342.99", page.QuerySelector("del[data-regular-price]")!.TextContent);
        Assert.Equal("-50%", page.QuerySelector(".price-off")!.TextContent);
    }

    [Fact]
    public async Task Price_tag_without_a_lower_sale_price_shows_one_price()
    {
        var page = await ComponentRenderer.RenderAsync<PriceTag>(new() { [nameof(PriceTag.RegularPrice)] = 1234.5m });
        Assert.Equal("$1,234.50", page.QuerySelector("[data-regular-price]")!.TextContent);
        Assert.Null(page.QuerySelector("del"));
        Assert.Null(page.QuerySelector(".price-off"));
    }

    [Theory]
    [InlineData(SalePhase.Upcoming, "Starts in", "01:30:00")]
    [InlineData(SalePhase.Live, "Ends in", "03:30:00")]
    [InlineData(SalePhase.SoldOut, "Ends in", "03:30:00")]
    [InlineData(SalePhase.Ended, "Ended", "")]
    [InlineData(SalePhase.Cancelled, "Cancelled", "")]
    public async Task Countdown_counts_to_the_start_or_the_end(SalePhase phase, string label, string value)
    {
        var page = await ComponentRenderer.RenderAsync<Countdown>(new()
        {
            [nameof(Countdown.Phase)] = phase,
            [nameof(Countdown.StartsAt)] = Now.AddMinutes(90),
            [nameof(Countdown.EndsAt)] = Now.AddMinutes(210),
            [nameof(Countdown.Now)] = Now,
        });
        var countdown = page.QuerySelector("[data-countdown]")!;
        Assert.Equal(label, countdown.QuerySelector("[data-countdown-label]")!.TextContent);
        Assert.Equal(value, countdown.QuerySelector("[data-countdown-value]")!.TextContent);
        Assert.Equal("2026-03-01T13:30:00.0000000Z", countdown.GetAttribute("data-starts-at"));
        Assert.Equal("timer", countdown.GetAttribute("role"));
    }

    [Fact]
    public async Task Sale_card_links_the_sale_with_its_phase_price_and_storefront_picture()
    {
        var sale = new FlashSale(Guid.Parse("01a200f5-fdd5-78e1-9da2-4125fbea07c6"), 31, "Pixelia Compact Headphones", "/api/catalog/items/31/pic?v=abc",
            342.99m, 171.50m, 1000, 2, Now.AddMinutes(-5), Now.AddHours(2), "Live", 1);
        var page = await ComponentRenderer.RenderAsync<SaleCard>(new()
        {
            [nameof(SaleCard.Sale)] = sale,
            [nameof(SaleCard.Now)] = Now,
        });
        Assert.Equal("/sales/01a200f5-fdd5-78e1-9da2-4125fbea07c6", page.QuerySelector("a.card-link")!.GetAttribute("href"));
        Assert.Equal("/catalog-pictures/31?v=abc", page.QuerySelector("img")!.GetAttribute("src"));
        Assert.Equal("Live", page.QuerySelector("[data-sale-status]")!.TextContent);
        Assert.Equal("02:00:00", page.QuerySelector("[data-countdown-value]")!.TextContent);
        Assert.Contains("1000 units · 2 per shopper", page.Body!.TextContent, StringComparison.Ordinal);
    }
}
