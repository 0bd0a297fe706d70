using Shop.ServiceDefaults.Identity;
using Shop.Web.Components.Live;

namespace Shop.Web.Components.Tests;

/// <summary>My orders, live: both kinds of orders, statuses that follow by themselves, Pay and Cancel for both.</summary>
public sealed class OrderListTests : LiveComponentTest
{
    private const string CheckoutId = "0193b2c4-1111-7000-8000-000000000001";
    private const string SaleOrderId = "0193b2c4-2222-7000-8000-000000000002";
    private const string SaleId = "0193b2c4-3333-7000-8000-000000000003";

    private static string CheckoutOrder(string status) => $$"""
        {"orderId":"{{CheckoutId}}","kind":"checkout","saleId":null,"quantity":3,"unitPrice":null,"total":99.0,"status":"{{status}}",
         "reservedAt":"2026-03-01T12:00:00Z","expiresAt":"2026-03-01T12:15:00Z","paidAt":null,
         "lines":[{"itemId":12,"itemName":"Lamp","quantity":2,"unitPrice":9.5,"total":19.0},{"itemId":40,"itemName":"Boots","quantity":1,"unitPrice":80.0,"total":80.0}]}
        """;

    private static string SaleOrder(string status) => $$"""
        {"orderId":"{{SaleOrderId}}","kind":"flash-sale","saleId":"{{SaleId}}","quantity":1,"unitPrice":49.99,"total":49.99,"status":"{{status}}",
         "reservedAt":"2026-03-01T11:00:00Z","expiresAt":null,"paidAt":null,
         "lines":[{"itemId":7,"itemName":"Compass","quantity":1,"unitPrice":49.99,"total":49.99}]}
        """;

    private void Orders(params string[] orders) => Ordering.On("GET", "/api/orders", 200, "[" + string.Join(",", orders) + "]");

    private IRenderedComponent<OrderList> RenderList(Action<ComponentParameterCollectionBuilder<OrderList>>? parameters = null) =>
        Render<OrderList>(p =>
        {
            p.Add(c => c.PendingInterval, TimeSpan.FromMilliseconds(20)).Add(c => c.ConfirmedInterval, TimeSpan.FromMilliseconds(20));
            parameters?.Invoke(p);
        });

    [Fact]
    public void Shows_a_checkout_with_its_lines_and_a_flash_sale_order_with_its_sale()
    {
        Orders(CheckoutOrder("confirmed"), SaleOrder("paid"));
        var cut = RenderList();
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-order-id]").Count));

        var basket = cut.Find($"[data-order-id='{CheckoutId}']");
        Assert.Equal("checkout", basket.GetAttribute("data-order-kind"));
        Assert.Equal("Lamp and Boots", basket.QuerySelector(".order-title")!.TextContent.Trim());
        Assert.Equal(["2 × Lamp · $19.00", "1 × Boots · $80.00"], basket.QuerySelectorAll("[data-order-line]").Select(l => l.TextContent.Trim()));
        Assert.Contains("3 items: $99.00", basket.TextContent, StringComparison.Ordinal);
        Assert.Equal("Confirmed", basket.QuerySelector("[data-order-status-label]")!.TextContent);
        Assert.Equal("Pay $99.00 for order 8000-0000-0000".Replace("8000-0000-0000", Presentation.OrderNumbers.Of(Guid.Parse(CheckoutId)), StringComparison.Ordinal),
            basket.QuerySelector("[data-order-action=pay] button")!.GetAttribute("aria-label"));
        Assert.Equal("Pay $99.00", basket.QuerySelector("[data-order-action=pay] button")!.TextContent);
        Assert.NotNull(basket.QuerySelector("[data-order-action=cancel] button"));

        var sale = cut.Find($"[data-order-id='{SaleOrderId}']");
        Assert.Equal("flash-sale", sale.GetAttribute("data-order-kind"));
        Assert.Equal(SaleId, sale.GetAttribute("data-sale-id"));
        Assert.Equal($"/sales/{SaleId}", sale.QuerySelector(".order-title a")!.GetAttribute("href"));
        Assert.Equal("Compass", sale.QuerySelector(".order-title a")!.TextContent);
        Assert.Contains("1 × $49.99 = $49.99", sale.TextContent, StringComparison.Ordinal);
        Assert.Equal("Paid", sale.QuerySelector("[data-order-status-label]")!.TextContent);
        Assert.Null(sale.QuerySelector("[data-order-action]"));
    }

    [Fact]
    public void A_pending_order_becomes_confirmed_without_a_reload()
    {
        Orders(CheckoutOrder("pending"));
        var cut = RenderList();
        cut.WaitForAssertion(() => Assert.Equal("Pending", cut.Find("[data-order-status-label]").TextContent));
        Assert.Empty(cut.FindAll("[data-order-action]"));

        Orders(CheckoutOrder("confirmed"));

        cut.WaitForAssertion(() => Assert.Equal("Confirmed", cut.Find("[data-order-status-label]").TextContent), TimeSpan.FromSeconds(5));
        Assert.NotNull(cut.Find("[data-order-action=pay] button"));
    }

    [Fact]
    public void A_malformed_answer_while_following_does_not_stop_the_following()
    {
        Orders(CheckoutOrder("pending"));
        var cut = RenderList();
        cut.WaitForAssertion(() => Assert.Equal("Pending", cut.Find("[data-order-status-label]").TextContent));

        // The next two looks get a body that is not JSON, then the order is confirmed.
        var looks = 0;
        Ordering.On("GET", "/api/orders", _ => Task.FromResult(++looks <= 2
            ? StubApi.Json(200, "{not json")
            : StubApi.Json(200, "[" + CheckoutOrder("confirmed") + "]")));

        cut.WaitForAssertion(() => Assert.Equal("Confirmed", cut.Find("[data-order-status-label]").TextContent), TimeSpan.FromSeconds(5));
        Assert.True(looks >= 3);
    }

    [Fact]
    public void Orders_that_cannot_change_any_more_are_not_asked_for_again()
    {
        Orders(SaleOrder("paid"));
        var cut = RenderList();
        cut.WaitForElement("[data-order-id]");
        Thread.Sleep(200);
        Assert.Single(Ordering.To("GET", "/api/orders"));
    }

    [Theory]
    [InlineData("pay", "Thank you! Your order is paid.", "paid")]
    [InlineData("cancel", "Your order is cancelled and its units are back on sale.", "cancelled")]
    public void Pay_and_cancel_change_a_checkout_order_in_place(string action, string message, string status)
    {
        Orders(CheckoutOrder("confirmed"));
        Ordering.On("POST", $"/api/orders/{CheckoutId}/{action}", _ =>
        {
            Orders(CheckoutOrder(status));
            return Task.FromResult(StubApi.Json(200, CheckoutOrder(status)));
        });
        var cut = RenderList();
        cut.WaitForElement("[data-order-action=pay]");

        cut.Find($"[data-order-action={action}]").Submit();

        cut.WaitForAssertion(() => Assert.Equal(message, cut.Find("[data-orders-message]").TextContent.Trim()));
        Assert.Equal(Presentation.OrderStatuses.Label(status), cut.Find("[data-order-status-label]").TextContent);
        Assert.Empty(cut.FindAll("[data-order-action]"));
        Assert.Equal(ShopperTokenFor(ShopAudiences.OrderingApi), Ordering.To("POST", $"/api/orders/{CheckoutId}/{action}").Single().Token);
    }

    [Fact]
    public void Paying_an_order_still_being_confirmed_says_to_wait()
    {
        Orders(SaleOrder("confirmed"));
        Ordering.On("POST", $"/api/orders/{SaleOrderId}/pay", _ => Task.FromResult(StubApi.Problem(409, "urn:shop:problem:order-not-confirmed")));
        var cut = RenderList();
        cut.WaitForElement("[data-order-action=pay]");

        cut.Find("[data-order-action=pay]").Submit();

        cut.WaitForAssertion(() => Assert.Equal("This order is still being confirmed: try again in a moment.", cut.Find("[data-orders-message]").TextContent.Trim()));
    }

    [Fact]
    public void The_order_just_placed_is_announced()
    {
        Orders(CheckoutOrder("pending"));
        var cut = RenderList(p => p.Add(c => c.Placed, Guid.Parse(CheckoutId)));
        cut.WaitForAssertion(() => Assert.Equal(
            $"Thank you! Order {Presentation.OrderNumbers.Of(Guid.Parse(CheckoutId))} is placed and being confirmed.",
            cut.Find("[data-orders-message]").TextContent.Trim()));
    }

    [Fact]
    public void No_orders_yet()
    {
        Orders();
        var cut = RenderList();
        cut.WaitForAssertion(() => Assert.Contains("No orders yet.", cut.Find(".empty-state").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public void The_buttons_are_forms_that_work_before_the_circuit()
    {
        Orders(CheckoutOrder("confirmed"));
        var cut = RenderList();
        cut.WaitForElement("[data-order-action=pay]");
        var pay = cut.Find("[data-order-action=pay]");
        Assert.Equal("post", pay.GetAttribute("method"));
        Assert.Equal($"/orders/{CheckoutId}/pay", pay.GetAttribute("action"));
        Assert.NotNull(pay.QuerySelector("input[name=__RequestVerificationToken]"));
    }
}
