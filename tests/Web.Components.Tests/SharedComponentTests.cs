using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;
using Shop.Web.Components.Shared;
using Shop.Web.Presentation;
using Shop.Web.Services;

namespace Shop.Web.Components.Tests;

/// <summary>The shared (static) components that decide something: which pages to link, what a sale shows, prices, add to basket.</summary>
public sealed class SharedComponentTests : BunitContext
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public SharedComponentTests()
    {
        Services.AddSingleton<AntiforgeryStateProvider>(new FixedAntiforgery());
    }

    [Fact]
    public void Pager_links_first_last_and_a_window_with_gaps()
    {
        var cut = Render<Pager>(p => p.Add(c => c.Pagination, new Pagination(6, 12, 120)).Add(c => c.UrlFor, n => $"/?page={n}"));
        Assert.Equal(["1", "…", "5", "6", "7", "…", "10"], cut.FindAll(".pager li").Select(li => li.TextContent.Trim()));
        Assert.Equal("6", cut.Find("[aria-current=page]").TextContent);
        Assert.Equal("/?page=5", cut.Find("a[rel=prev]").GetAttribute("href"));
        Assert.Equal("/?page=7", cut.Find("a[rel=next]").GetAttribute("href"));
        Assert.Equal("Pages", cut.Find("nav").GetAttribute("aria-label"));
    }

    [Fact]
    public void Pager_disables_previous_on_the_first_page_and_next_on_the_last()
    {
        var first = Render<Pager>(p => p.Add(c => c.Pagination, new Pagination(1, 12, 30)).Add(c => c.UrlFor, n => $"/?page={n}"));
        Assert.Empty(first.FindAll("a[rel=prev]"));
        Assert.Equal("true", first.Find(".pager-step").GetAttribute("aria-disabled"));
        Assert.Equal(["1", "2", "3"], first.FindAll(".pager li").Select(li => li.TextContent.Trim()));

        var last = Render<Pager>(p => p.Add(c => c.Pagination, new Pagination(3, 12, 30)).Add(c => c.UrlFor, n => $"/?page={n}"));
        Assert.Empty(last.FindAll("a[rel=next]"));
        Assert.NotEmpty(last.FindAll("a[rel=prev]"));
    }

    [Fact]
    public void Pager_is_not_shown_for_a_single_page()
    {
        var cut = Render<Pager>(p => p.Add(c => c.Pagination, new Pagination(1, 12, 12)).Add(c => c.UrlFor, n => $"/?page={n}"));
        Assert.Empty(cut.FindAll("nav"));
    }

    [Theory]
    [InlineData(SalePhase.Live, "Live", "badge-live")]
    [InlineData(SalePhase.Upcoming, "Upcoming", "badge-upcoming")]
    [InlineData(SalePhase.SoldOut, "Sold out", "badge-soldout")]
    [InlineData(SalePhase.Ended, "Ended", "badge-ended")]
    [InlineData(SalePhase.Cancelled, "Cancelled", "badge-cancelled")]
    public void Sale_status_badge_names_and_colours_each_phase(SalePhase phase, string text, string cssClass)
    {
        var badge = Render<SaleStatusBadge>(p => p.Add(c => c.Phase, phase)).Find("[data-sale-status]");
        Assert.Equal(text, badge.TextContent);
        Assert.Contains(cssClass, badge.ClassList);
    }

    [Fact]
    public void Price_tag_shows_the_sale_price_against_the_regular_price()
    {
        var cut = Render<PriceTag>(p => p.Add(c => c.RegularPrice, 342.99m).Add(c => c.SalePrice, 171.50m));
        Assert.Equal("$171.50", cut.Find("[data-sale-price]").TextContent);
        Assert.Equal("$342.99", cut.Find("del[data-regular-price]").TextContent);
        Assert.Equal("-50%", cut.Find(".price-off").TextContent);
    }

    [Fact]
    public void Price_tag_without_a_lower_sale_price_shows_one_price()
    {
        var cut = Render<PriceTag>(p => p.Add(c => c.RegularPrice, 1234.5m));
        Assert.Equal("$1,234.50", cut.Find("[data-regular-price]").TextContent);
        Assert.Empty(cut.FindAll("del"));
        Assert.Empty(cut.FindAll(".price-off"));
    }

    [Theory]
    [InlineData(SalePhase.Upcoming, "Starts in", "01:30:00")]
    [InlineData(SalePhase.Live, "Ends in", "03:30:00")]
    [InlineData(SalePhase.SoldOut, "Ends in", "03:30:00")]
    [InlineData(SalePhase.Ended, "Ended", "")]
    [InlineData(SalePhase.Cancelled, "Cancelled", "")]
    public void Countdown_counts_to_the_start_or_the_end(SalePhase phase, string label, string value)
    {
        var countdown = Render<Countdown>(p => p.Add(c => c.Phase, phase).Add(c => c.StartsAt, Now.AddMinutes(90))
            .Add(c => c.EndsAt, Now.AddMinutes(210)).Add(c => c.Now, Now)).Find("[data-countdown]");
        Assert.Equal(label, countdown.QuerySelector("[data-countdown-label]")!.TextContent);
        Assert.Equal(value, countdown.QuerySelector("[data-countdown-value]")!.TextContent);
        Assert.Equal("2026-03-01T13:30:00.0000000Z", countdown.GetAttribute("data-starts-at"));
        Assert.Equal("timer", countdown.GetAttribute("role"));
    }

    [Fact]
    public void Sale_card_links_the_sale_with_its_phase_price_and_storefront_picture()
    {
        var sale = new FlashSale(Guid.Parse("01a200f5-fdd5-78e1-9da2-4125fbea07c6"), 31, "Pixelia Compact Headphones", "/api/catalog/items/31/pic?v=abc",
            342.99m, 171.50m, 1000, 2, Now.AddMinutes(-5), Now.AddHours(2), "Live", 1);
        var cut = Render<SaleCard>(p => p.Add(c => c.Sale, sale).Add(c => c.Now, Now));
        Assert.Equal("/sales/01a200f5-fdd5-78e1-9da2-4125fbea07c6", cut.Find("a.card-link").GetAttribute("href"));
        Assert.Equal("/catalog-pictures/31?v=abc", cut.Find("img").GetAttribute("src"));
        Assert.Equal("Live", cut.Find("[data-sale-status]").TextContent);
        Assert.Equal("02:00:00", cut.Find("[data-countdown-value]").TextContent);
        Assert.Contains("1000 units · 2 per shopper", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void Add_to_basket_is_a_form_post_with_antiforgery_that_comes_back_to_the_page()
    {
        var cut = Render<AddToBasket>(p => p.Add(c => c.ItemId, 12).Add(c => c.ItemName, "Lamp").Add(c => c.SignedIn, true).Add(c => c.ReturnUrl, "/items/12"));
        var form = cut.Find("form[data-add-to-basket='12']");
        Assert.Equal("post", form.GetAttribute("method"));
        Assert.Equal("/basket/items", form.GetAttribute("action"));
        Assert.Equal("12", form.QuerySelector("input[name=itemId]")!.GetAttribute("value"));
        Assert.Equal("/items/12", form.QuerySelector("input[name=returnUrl]")!.GetAttribute("value"));
        Assert.NotNull(form.QuerySelector("input[name=__RequestVerificationToken]"));
        Assert.Equal(10, form.QuerySelectorAll("select[name=quantity] option").Length);
        Assert.Equal("Add to basket: Lamp", form.QuerySelector("button")!.GetAttribute("aria-label"));
        Assert.Empty(cut.FindAll("[data-basket-notice]"));
    }

    [Fact]
    public void Add_to_basket_for_a_visitor_is_a_way_to_sign_in_and_come_back()
    {
        var cut = Render<AddToBasket>(p => p.Add(c => c.ItemId, 12).Add(c => c.ItemName, "Lamp").Add(c => c.ReturnUrl, "/?page=2"));
        Assert.Empty(cut.FindAll("form"));
        Assert.Equal("/signin?returnUrl=%2F%3Fpage%3D2", cut.Find("a.button").GetAttribute("href"));
    }

    [Theory]
    [InlineData(BasketNotices.Added, "Added to your basket.", "notice-success")]
    [InlineData(BasketNotices.Full, "Your basket is full: remove an item to add another.", "notice-warning")]
    [InlineData(BasketNotices.AtMost, "Your basket already holds the most of this item it can (10).", "notice-warning")]
    public void Add_to_basket_shows_what_the_last_add_came_to(string notice, string text, string cssClass)
    {
        var cut = Render<AddToBasket>(p => p.Add(c => c.ItemId, 12).Add(c => c.ItemName, "Lamp").Add(c => c.SignedIn, true).Add(c => c.Compact, true).Add(c => c.Notice, notice));
        var shown = cut.Find("[data-basket-notice]");
        Assert.StartsWith(text, shown.TextContent.Trim(), StringComparison.Ordinal);
        Assert.Contains(cssClass, shown.ClassList);
        Assert.Equal("/basket", shown.QuerySelector("a")!.GetAttribute("href"));
        Assert.Empty(cut.FindAll("select")); // the grid's compact form adds one
    }

    [Fact]
    public void Item_card_offers_add_to_basket_only_while_in_stock()
    {
        var item = new CatalogItem(12, "Lamp", "A lamp.", 9.5m, 1, "Home", 3, "/api/catalog/items/12/pic?v=1");
        var inStock = Render<ItemCard>(p => p.Add(c => c.Item, item).Add(c => c.SignedIn, true));
        Assert.Equal("item-12", inStock.Find("article").Id);
        Assert.NotEmpty(inStock.FindAll("form[data-add-to-basket='12']"));

        var soldOut = Render<ItemCard>(p => p.Add(c => c.Item, item with { AvailableStock = 0 }).Add(c => c.SignedIn, true));
        Assert.Empty(soldOut.FindAll("form"));
        Assert.Equal("Out of stock", soldOut.Find(".card-stock").TextContent);
    }

    private sealed class FixedAntiforgery : AntiforgeryStateProvider
    {
        public override AntiforgeryRequestToken? GetAntiforgeryToken() => new("test-antiforgery", "__RequestVerificationToken");
    }
}
