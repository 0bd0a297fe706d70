using System.Text.Json;
using Shop.ServiceDefaults.Identity;
using Shop.Web.Components.Live;

namespace Shop.Web.Components.Tests;

/// <summary>The live basket: lines, totals, quantities, removing, unavailable items, an ended session.</summary>
public sealed class BasketEditorTests : LiveComponentTest
{
    [Fact]
    public void Shows_each_line_with_its_price_and_the_totals()
    {
        Basket.On("GET", "/api/basket", 200, BasketJson((12, "Lamp", 9.5m, 2), (40, "Boots", 80m, 1)));

        var cut = Render<BasketEditor>();

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-basket-line]").Count));
        var lamp = cut.Find("[data-basket-line='12']");
        Assert.Equal("Lamp", lamp.QuerySelector("h2 a")!.TextContent);
        Assert.Equal("/items/12", lamp.QuerySelector("h2 a")!.GetAttribute("href"));
        Assert.Equal("/catalog-pictures/12?v=1", lamp.QuerySelector("img")!.GetAttribute("src"));
        Assert.Equal("$9.50 each", lamp.QuerySelector("[data-unit-price]")!.TextContent);
        Assert.Equal("$19.00", lamp.QuerySelector("[data-line-total]")!.TextContent);
        Assert.Equal("2", lamp.QuerySelector("option[selected]")!.TextContent);
        Assert.Equal("$99.00", cut.Find("[data-basket-total]").TextContent);
        Assert.Contains("3 items", cut.Find(".basket-total").TextContent, StringComparison.Ordinal);
        Assert.Equal("/checkout", cut.Find("[data-checkout-link]").GetAttribute("href"));
        Assert.Equal("true", cut.Find("[data-basket]").GetAttribute("data-interactive"));
        Assert.Equal(ShopperTokenFor(ShopAudiences.BasketApi), Basket.Requests.Single().Token);
    }

    [Fact]
    public void Changing_a_quantity_sets_it_and_shows_the_new_totals()
    {
        Basket.On("GET", "/api/basket", 200, BasketJson((12, "Lamp", 9.5m, 2)))
            .On("PUT", "/api/basket/items/12", 200, BasketJson((12, "Lamp", 9.5m, 3)));
        var cut = Render<BasketEditor>();
        cut.WaitForElement("[data-basket-line='12']");

        cut.Find("[data-basket-line='12'] select").Change("3");

        cut.WaitForAssertion(() => Assert.Equal("$28.50", cut.Find("[data-basket-total]").TextContent));
        var put = Basket.To("PUT", "/api/basket/items/12").Single();
        Assert.Equal(3, JsonDocument.Parse(put.Body!).RootElement.GetProperty("quantity").GetInt32());
        Assert.Contains("Lamp: quantity 3.", cut.Find("[data-basket-message]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Removing_a_line_removes_it()
    {
        Basket.On("GET", "/api/basket", 200, BasketJson((12, "Lamp", 9.5m, 2), (40, "Boots", 80m, 1)))
            .On("DELETE", "/api/basket/items/12", 200, BasketJson((40, "Boots", 80m, 1)));
        var cut = Render<BasketEditor>();
        cut.WaitForElement("[data-basket-line='12']");

        cut.Find("[data-basket-line='12'] button").Click();

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-basket-line='12']")));
        Assert.Single(cut.FindAll("[data-basket-line]"));
        Assert.Equal("$80.00", cut.Find("[data-basket-total]").TextContent);
        Assert.Contains("Lamp was removed", cut.Find("[data-basket-message]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void An_item_no_longer_sold_says_so_and_blocks_checkout_until_removed()
    {
        Basket.On("GET", "/api/basket", 200, BasketJson((12, "Lamp", 9.5m, 2), (77, "", null, 1)));
        var cut = Render<BasketEditor>();
        cut.WaitForElement("[data-basket-line='77']");

        var gone = cut.Find("[data-basket-line='77']");
        Assert.Equal("false", gone.GetAttribute("data-available"));
        Assert.Equal("Item 77", gone.QuerySelector("h2")!.TextContent.Trim());
        Assert.Contains("No longer sold", gone.QuerySelector("[data-line-message]")!.TextContent, StringComparison.Ordinal);
        Assert.Null(gone.QuerySelector("select"));
        Assert.Empty(cut.FindAll("[data-checkout-link]"));
        Assert.Contains("remove them to check out", cut.Find("[data-basket-blocked]").TextContent, StringComparison.Ordinal);
        Assert.Equal("$19.00", cut.Find("[data-basket-total]").TextContent);
    }

    [Fact]
    public void An_empty_basket_says_so()
    {
        Basket.On("GET", "/api/basket", 200, BasketJson());
        var cut = Render<BasketEditor>();
        cut.WaitForAssertion(() => Assert.Contains("Your basket is empty.", cut.Find("[data-basket-empty]").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public void A_basket_api_that_is_down_gets_a_message_not_an_error()
    {
        Basket.On("GET", "/api/basket", 503, """{"type":"urn:shop:problem:unavailable","status":503}""", "application/problem+json");
        var cut = Render<BasketEditor>();
        cut.WaitForAssertion(() => Assert.Contains("Your basket can't be shown right now.", cut.Find("[role=alert]").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public void A_refused_token_reloads_the_page_so_its_request_ends_the_session()
    {
        Navigation.NavigateTo("/basket");
        Basket.On("GET", "/api/basket", 401, "");
        Render<BasketEditor>();
        Assert.Equal("http://localhost/basket", Navigation.Uri);
        Assert.True(((Bunit.TestDoubles.BunitNavigationManager)Navigation).History.First().Options.ForceLoad);
    }

    [Fact]
    public void Before_the_circuit_is_up_the_controls_are_off()
    {
        SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Static", isInteractive: false));
        Basket.On("GET", "/api/basket", 200, BasketJson((12, "Lamp", 9.5m, 2)));
        var cut = Render<BasketEditor>();
        cut.WaitForElement("[data-basket-line='12']");
        Assert.True(cut.Find("select").HasAttribute("disabled"));
        Assert.True(cut.Find("[data-basket-line='12'] button").HasAttribute("disabled"));
        Assert.Equal("false", cut.Find("[data-basket]").GetAttribute("data-interactive"));
    }
}
