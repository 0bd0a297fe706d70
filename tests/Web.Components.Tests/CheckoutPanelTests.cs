using System.Text.Json;
using Shop.ServiceDefaults.Identity;
using Shop.Web.Components.Live;

namespace Shop.Web.Components.Tests;

/// <summary>
/// The live checkout: one Idempotency-Key per attempt, the basket emptied and My orders next when the order is
/// placed, and a clear answer for every refusal.
/// </summary>
public sealed class CheckoutPanelTests : LiveComponentTest
{
    private const string OrderId = "0193b2c4-1111-7000-8000-89abcdef0123";

    public CheckoutPanelTests()
    {
        Basket.On("GET", "/api/basket", 200, BasketJson((12, "Lamp", 9.5m, 2), (40, "Boots", 80m, 1)))
            .On("DELETE", "/api/basket", 204);
    }

    private IRenderedComponent<CheckoutPanel> RenderReady()
    {
        var cut = Render<CheckoutPanel>();
        cut.WaitForAssertion(() => Assert.False(PlaceOrder(cut).HasAttribute("disabled")));
        return cut;
    }

    private static AngleSharp.Dom.IElement PlaceOrder(IRenderedComponent<CheckoutPanel> cut) => cut.Find("[data-place-order]");

    private IReadOnlyList<SentRequest> Checkouts => [.. Ordering.To("POST", "/api/orders")];

    [Fact]
    public void Placing_the_order_checks_out_the_lines_empties_the_basket_and_goes_to_my_orders()
    {
        Ordering.On("POST", "/api/orders", 202, $$"""{"orderId":"{{OrderId}}","status":"pending"}""");
        var cut = RenderReady();
        Assert.Equal("Place order · $99.00", PlaceOrder(cut).TextContent);
        Assert.Equal("$99.00", cut.Find("[data-checkout-total]").TextContent);

        PlaceOrder(cut).Click();

        cut.WaitForAssertion(() => Assert.EndsWith($"/orders?placed={OrderId}", Navigation.Uri, StringComparison.Ordinal));
        var checkout = Checkouts.Single();
        Assert.Equal(ShopperTokenFor(ShopAudiences.OrderingApi), checkout.Token);
        Assert.Matches("^[0-9a-f-]{36}$", checkout.IdempotencyKey);
        var items = JsonDocument.Parse(checkout.Body!).RootElement.GetProperty("items");
        Assert.Equal([(12, 2), (40, 1)], items.EnumerateArray().Select(i => (i.GetProperty("itemId").GetInt32(), i.GetProperty("quantity").GetInt32())));
        Assert.Single(Basket.To("DELETE", "/api/basket"));
    }

    [Fact]
    public void A_double_click_places_one_order()
    {
        // The first answer is held back while the shopper clicks again.
        var answer = new TaskCompletionSource<HttpResponseMessage>();
        Ordering.On("POST", "/api/orders", _ => answer.Task);
        var cut = RenderReady();

        PlaceOrder(cut).Click();
        cut.WaitForAssertion(() => Assert.True(PlaceOrder(cut).HasAttribute("disabled")));
        Assert.Equal("Placing your order…", PlaceOrder(cut).TextContent);
        // The second click of the double click reaches the handler too (the browser may not have the disabled
        // button yet): it sends nothing.
        cut.InvokeAsync(() => PlaceOrder(cut).Click());
        answer.SetResult(StubApi.Json(202, $$"""{"orderId":"{{OrderId}}","status":"pending"}"""));

        cut.WaitForAssertion(() => Assert.EndsWith($"/orders?placed={OrderId}", Navigation.Uri, StringComparison.Ordinal));
        Assert.Single(Checkouts);
    }

    [Fact]
    public void Short_stock_names_each_short_line_and_what_is_left_and_nothing_is_ordered()
    {
        Ordering.On("POST", "/api/orders", _ => Task.FromResult(StubApi.Problem(409, "urn:shop:problem:insufficient-stock",
            """ "lines":[{"itemId":12,"requested":2,"available":1,"reason":"short"},{"itemId":40,"requested":1,"available":0,"reason":"short"}]""")));
        var cut = RenderReady();

        PlaceOrder(cut).Click();

        cut.WaitForAssertion(() => Assert.Contains("nothing was ordered", cut.Find("[data-checkout-message]").TextContent, StringComparison.Ordinal));
        var message = cut.Find("[data-checkout-message]").TextContent;
        Assert.Contains("Lamp: Only 1 left (you asked for 2).", message, StringComparison.Ordinal);
        Assert.Contains("Boots: Sold out (you asked for 1).", message, StringComparison.Ordinal);
        Assert.Equal("Only 1 left (you asked for 2).", cut.Find("[data-checkout-line='12'] [data-line-problem]").TextContent);
        Assert.Equal("Sold out (you asked for 1).", cut.Find("[data-checkout-line='40'] [data-line-problem]").TextContent);
        Assert.Empty(Basket.To("DELETE", "/api/basket"));
        Assert.EndsWith("/", Navigation.Uri, StringComparison.Ordinal);

        // A final answer: the next try is a new attempt with a new key.
        PlaceOrder(cut).Click();
        cut.WaitForAssertion(() => Assert.Equal(2, Checkouts.Count));
        Assert.NotEqual(Checkouts[0].IdempotencyKey, Checkouts[1].IdempotencyKey);
    }

    [Fact]
    public void An_unknown_item_is_named()
    {
        Ordering.On("POST", "/api/orders", _ => Task.FromResult(StubApi.Problem(422, "urn:shop:problem:unknown-item",
            """ "lines":[{"itemId":40,"requested":1,"available":0,"reason":"unknown"}]""")));
        var cut = RenderReady();

        PlaceOrder(cut).Click();

        cut.WaitForAssertion(() => Assert.Contains("Boots: Not sold here: remove it from your basket.", cut.Find("[data-checkout-message]").TextContent, StringComparison.Ordinal));
        Assert.Equal("Not sold here: remove it from your basket.", cut.Find("[data-checkout-line='40'] [data-line-problem]").TextContent);
    }

    [Theory]
    [InlineData(429)]
    [InlineData(503)]
    public void Busy_counts_down_the_retry_after_and_the_retry_is_the_same_attempt(int status)
    {
        Ordering.On("POST", "/api/orders", status, """{"type":"urn:shop:problem:busy"}""", "application/problem+json",
            response => response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(1)));
        var cut = RenderReady();

        PlaceOrder(cut).Click();

        cut.WaitForAssertion(() => Assert.Equal("The shop is very busy right now. Try again in 1 second.", cut.Find("[data-checkout-message]").TextContent.Trim()));
        Assert.True(PlaceOrder(cut).HasAttribute("disabled"));
        Assert.Equal("Try again in 1s", PlaceOrder(cut).TextContent);
        cut.WaitForAssertion(() => Assert.Equal("Try again", PlaceOrder(cut).TextContent), TimeSpan.FromSeconds(5));

        Ordering.On("POST", "/api/orders", 202, $$"""{"orderId":"{{OrderId}}","status":"pending"}""");
        PlaceOrder(cut).Click();
        cut.WaitForAssertion(() => Assert.EndsWith($"/orders?placed={OrderId}", Navigation.Uri, StringComparison.Ordinal));
        Assert.Equal(2, Checkouts.Count);
        Assert.Equal(Checkouts[0].IdempotencyKey, Checkouts[1].IdempotencyKey);
    }

    [Fact]
    public void Ordering_out_of_reach_says_so_and_the_retry_is_the_same_attempt()
    {
        var tries = 0;
        Ordering.On("POST", "/api/orders", _ => ++tries <= 3
            ? throw new HttpRequestException("Connection refused")
            : Task.FromResult(StubApi.Json(202, $$"""{"orderId":"{{OrderId}}","status":"pending"}""")));
        var cut = RenderReady();

        PlaceOrder(cut).Click();

        cut.WaitForAssertion(() => Assert.Contains("couldn't reach the shop's ordering service", cut.Find("[data-checkout-message]").TextContent, StringComparison.Ordinal));
        Assert.Equal("Try again", PlaceOrder(cut).TextContent);
        PlaceOrder(cut).Click();
        cut.WaitForAssertion(() => Assert.EndsWith($"/orders?placed={OrderId}", Navigation.Uri, StringComparison.Ordinal));
        Assert.Single(Checkouts.Select(c => c.IdempotencyKey).Distinct());
        Assert.Equal(4, Checkouts.Count); // three tries to reach a replica, then the shopper's retry
    }

    [Fact]
    public void A_refused_token_sends_the_shopper_to_sign_in_again()
    {
        Navigation.NavigateTo("/checkout");
        Ordering.On("POST", "/api/orders", 401, "");
        var cut = RenderReady();

        PlaceOrder(cut).Click();

        cut.WaitForAssertion(() => Assert.True(((Bunit.TestDoubles.BunitNavigationManager)Navigation).History.First().Options.ForceLoad));
        Assert.Equal("http://localhost/checkout", Navigation.Uri);
    }

    [Fact]
    public void The_basket_could_not_be_emptied_after_the_order_and_my_orders_says_so()
    {
        Basket.On("DELETE", "/api/basket", 503, "");
        Ordering.On("POST", "/api/orders", 202, $$"""{"orderId":"{{OrderId}}","status":"pending"}""");
        var cut = RenderReady();

        PlaceOrder(cut).Click();

        cut.WaitForAssertion(() => Assert.EndsWith($"/orders?placed={OrderId}&basket=kept", Navigation.Uri, StringComparison.Ordinal));
    }

    [Fact]
    public void A_basket_with_an_item_no_longer_sold_cannot_be_checked_out()
    {
        Basket.On("GET", "/api/basket", 200, BasketJson((12, "Lamp", 9.5m, 2), (77, "", null, 1)));
        var cut = Render<CheckoutPanel>();
        cut.WaitForElement("[data-checkout-line='77']");
        Assert.True(PlaceOrder(cut).HasAttribute("disabled"));
        Assert.Contains("No longer sold", cut.Find("[data-checkout-line='77'] [data-line-problem]").TextContent, StringComparison.Ordinal);
    }
}
