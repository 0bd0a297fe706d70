using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Shop.ServiceDefaults.Identity;

namespace Shop.IntegrationTests.Storefront;

/// <summary>The everyday shop: add to the basket, change it, check out, follow the order, pay; refusals; one order per attempt.</summary>
[Collection(ShopAppCollection.Name)]
public sealed class BasketTests(ShopAppFixture shop) : BrowserTest(shop)
{
    [Fact]
    public Task Add_two_items_change_a_quantity_check_out_see_it_confirmed_and_pay() => RunAsync(async page =>
    {
        var lamp = await Shop.CreateItemAsync("Basketlamp", price: 12.50m);
        var boots = await Shop.CreateItemAsync("Basketboots", price: 30m);
        var token = await ReadyShopperAsync(page, "bob");

        // From the item page, two of them…
        await page.GotoAsync($"/items/{lamp.Id}");
        await page.Locator("[data-add-quantity]").SelectOptionAsync("2");
        await page.GetByRole(AriaRole.Button, new() { Name = $"Add to basket: {lamp.Name}" }).ClickAsync();
        await Expect(page.Locator("[data-basket-notice]")).ToContainTextAsync("Added to your basket.");
        // …and one from the catalog grid.
        await page.GotoAsync("/?q=" + Uri.EscapeDataString(boots.Name));
        await page.Locator($"#item-{boots.Id}").GetByRole(AriaRole.Button, new() { Name = $"Add to basket: {boots.Name}" }).ClickAsync();
        await Expect(page.Locator($"#item-{boots.Id} [data-basket-notice]")).ToContainTextAsync("Added to your basket.");

        await page.GetByRole(AriaRole.Link, new() { Name = "View your basket" }).First.ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/basket$"));
        await WaitForCircuitAsync(page, "[data-basket]");
        var lampLine = page.Locator($"[data-basket-line='{lamp.Id}']");
        await Expect(lampLine.GetByRole(AriaRole.Link, new() { Name = lamp.Name })).ToBeVisibleAsync();
        await Expect(lampLine.Locator("[data-line-total]")).ToHaveTextAsync("$25.00");
        await Expect(page.Locator($"[data-basket-line='{boots.Id}'] [data-line-total]")).ToHaveTextAsync("$30.00");
        await Expect(page.Locator("[data-basket-total]")).ToHaveTextAsync("$55.00");

        await lampLine.GetByLabel($"Quantity of {lamp.Name}").SelectOptionAsync("3");
        await Expect(lampLine.Locator("[data-line-total]")).ToHaveTextAsync("$37.50");
        await Expect(page.Locator("[data-basket-total]")).ToHaveTextAsync("$67.50");

        await page.GetByRole(AriaRole.Link, new() { Name = "Check out" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/checkout$"));
        await WaitForCircuitAsync(page, "[data-checkout]");
        await Expect(page.Locator($"[data-checkout-line='{lamp.Id}']")).ToContainTextAsync(lamp.Name);
        await Expect(page.Locator("[data-checkout-total]")).ToHaveTextAsync("$67.50");
        await page.GetByRole(AriaRole.Button, new() { Name = "Place order · $67.50" }).ClickAsync();

        // On My orders, the order is followed until it is confirmed, without a reload.
        await Expect(page).ToHaveURLAsync(new Regex(@"/orders\?placed=[0-9a-f-]{36}$"), new() { Timeout = 30_000 });
        var orderId = new Uri(page.Url).Query.Split('=')[1];
        await Expect(page.Locator("[data-orders-message]")).ToContainTextAsync("is placed and being confirmed");
        var order = page.Locator($"[data-order-id='{orderId}']");
        await Expect(order).ToHaveAttributeAsync("data-order-kind", "checkout");
        await Expect(order.Locator($"[data-order-line='{lamp.Id}']")).ToHaveTextAsync($"3 × {lamp.Name} · $37.50");
        await Expect(order.Locator($"[data-order-line='{boots.Id}']")).ToHaveTextAsync($"1 × {boots.Name} · $30.00");
        await Expect(order.Locator("[data-order-status-label]")).ToHaveTextAsync("Confirmed", new() { Timeout = 30_000 });

        await order.GetByRole(AriaRole.Button, new() { NameRegex = new Regex(@"^Pay \$67\.50 for order [0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}$") }).ClickAsync();
        await Expect(order.Locator("[data-order-status-label]")).ToHaveTextAsync("Paid");
        await Expect(page.Locator("[data-orders-message]")).ToContainTextAsync("Your order is paid.");
        var orders = await Shop.CheckoutOrdersWithAsync(token, lamp.Id);
        Assert.Equal("paid", Assert.Single(orders).GetProperty("status").GetString());

        // The basket was emptied by the checkout.
        await page.GotoAsync("/basket");
        await Expect(page.Locator("[data-basket-empty]")).ToBeVisibleAsync();
    });

    [Fact]
    public Task A_sold_out_line_says_which_and_why_and_nothing_is_ordered() => RunAsync(async page =>
    {
        var lamp = await Shop.CreateItemAsync("Shortlamp", price: 10m);
        var boots = await Shop.CreateItemAsync("Plentyboots", price: 20m);
        var token = await ReadyShopperAsync(page, "carol");
        await AddAsync(page, lamp, 2);
        await AddAsync(page, boots, 1);

        // The lamp sells out while it sits in the basket.
        await Shop.SetStockAsync(lamp, 0);

        await page.GotoAsync("/checkout");
        await WaitForCircuitAsync(page, "[data-checkout]");
        await page.Locator("[data-place-order]").ClickAsync();

        await Expect(page.Locator("[data-checkout-message]")).ToContainTextAsync("nothing was ordered");
        await Expect(page.Locator("[data-checkout-message]")).ToContainTextAsync($"{lamp.Name}: Sold out (you asked for 2).");
        await Expect(page.Locator($"[data-checkout-line='{lamp.Id}'] [data-line-problem]")).ToHaveTextAsync("Sold out (you asked for 2).");
        await Expect(page.Locator($"[data-checkout-line='{boots.Id}'] [data-line-problem]")).ToHaveCountAsync(0);
        await Expect(page).ToHaveURLAsync(new Regex("/checkout$"));
        Assert.Empty(await Shop.CheckoutOrdersWithAsync(token, boots.Id));

        // The shopper takes the lamp out and checks out the rest.
        await page.GetByRole(AriaRole.Link, new() { Name = "Change your basket" }).ClickAsync();
        await WaitForCircuitAsync(page, "[data-basket]");
        await page.GetByRole(AriaRole.Button, new() { Name = $"Remove {lamp.Name} from the basket" }).ClickAsync();
        await Expect(page.Locator($"[data-basket-line='{lamp.Id}']")).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Link, new() { Name = "Check out" }).ClickAsync();
        await WaitForCircuitAsync(page, "[data-checkout]");
        await page.Locator("[data-place-order]").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex(@"/orders\?placed="), new() { Timeout = 30_000 });
        Assert.Single(await Shop.CheckoutOrdersWithAsync(token, boots.Id));
    });

    [Fact]
    public Task A_double_click_checks_out_once() => RunAsync(async page =>
    {
        var item = await Shop.CreateItemAsync("Doublecheckout", price: 5m);
        var token = await ReadyShopperAsync(page, "dave");
        await AddAsync(page, item, 1);

        await page.GotoAsync("/checkout");
        await WaitForCircuitAsync(page, "[data-checkout]");
        await page.Locator("[data-place-order]").DblClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex(@"/orders\?placed="), new() { Timeout = 30_000 });
        await Eventually.TrueAsync(async () => (await Shop.CheckoutOrdersWithAsync(token, item.Id)).Count >= 1, "the order", TimeSpan.FromSeconds(30));
        await Task.Delay(1500);
        Assert.Single(await Shop.CheckoutOrdersWithAsync(token, item.Id));
    });

    /// <summary>Signs the shopper in with an empty basket (baskets are kept across tests and runs); their token for ordering-api.</summary>
    private async Task<string> ReadyShopperAsync(IPage page, string userName)
    {
        await Shop.ClearBasketAsync(await Shop.SignInAsync(userName, ShopAppFixture.ShopperPassword, ShopAudiences.BasketApi));
        await SignInAsync(page, userName);
        return await Shop.SignInAsync(userName, ShopAppFixture.ShopperPassword, ShopAudiences.OrderingApi);
    }

    private static async Task AddAsync(IPage page, TestItem item, int quantity)
    {
        await page.GotoAsync($"/items/{item.Id}");
        await page.Locator("[data-add-quantity]").SelectOptionAsync(quantity.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByRole(AriaRole.Button, new() { Name = $"Add to basket: {item.Name}" }).ClickAsync();
        await Expect(page.Locator("[data-basket-notice]")).ToContainTextAsync("Added to your basket.");
    }

    /// <summary>The live component is connected (its circuit is up), so its controls answer.</summary>
    internal static Task WaitForCircuitAsync(IPage page, string component) =>
        Expect(page.Locator($"{component}[data-interactive=true]")).ToHaveCountAsync(1, new() { Timeout = 20_000 });
}
