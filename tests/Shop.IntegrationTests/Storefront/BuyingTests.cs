using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Shop.ServiceDefaults.Identity;

namespace Shop.IntegrationTests.Storefront;

/// <summary>The flash-sale page and the buy: every answer has its message, a click never buys twice.</summary>
[Collection(ShopAppCollection.Name)]
public sealed class BuyingTests(ShopAppFixture shop) : BrowserTest(shop)
{
    [Fact]
    public Task Buy_in_a_running_sale_then_see_it_confirmed_and_pay() => RunAsync(async page =>
    {
        var sale = await Shop.CreateSaleAsync("Lantern", quantity: 5, perBuyerLimit: 2);
        await SignInAsync(page, "alice");
        await page.GotoAsync($"/sales/{sale.Id}");

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = sale.Item.Name, Level = 1 })).ToBeVisibleAsync();
        await Expect(page.Locator(".product [data-sale-price]")).ToHaveTextAsync("$49.99");
        await Expect(page.Locator(".product [data-regular-price]")).ToHaveTextAsync("$100.00");
        await Expect(page.Locator(".product .price-off")).ToHaveTextAsync("-50%");
        await Expect(page.Locator("[data-countdown-label]")).ToHaveTextAsync("Ends in");
        await Expect(page.Locator("[data-countdown-value]")).ToHaveTextAsync(new Regex(@"^(00:)?59:\d\d$"));
        await Expect(page.Locator("[data-remaining]")).ToHaveTextAsync("5");
        await Expect(page.Locator("[data-sale-status]")).ToHaveTextAsync("Live");

        await BuyButton(page).ClickAsync();
        await Expect(BuyMessage(page)).ToContainTextAsync("Reserved!");
        await Expect(page.Locator("[data-remaining]")).ToHaveTextAsync("4");

        await BuyMessage(page).GetByRole(AriaRole.Link, new() { Name = "See my orders" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/orders$"));
        var order = page.Locator($"[data-sale-id=\"{sale.Id}\"]");
        await Expect(order).ToHaveCountAsync(1);
        await Expect(order.GetByRole(AriaRole.Link, new() { Name = sale.Item.Name })).ToBeVisibleAsync();
        // pending → confirmed arrives by itself (the page polls), no reload needed.
        await Expect(order.Locator("[data-order-status-label]")).ToHaveTextAsync("Confirmed", new() { Timeout = 30_000 });

        await order.GetByRole(AriaRole.Button, new() { NameRegex = new Regex(@"^Pay \$\d+\.\d\d for order [0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}$") }).ClickAsync();
        await Expect(order.Locator("[data-order-status-label]")).ToHaveTextAsync("Paid");
        await Expect(page.Locator("[data-orders-message]")).ToContainTextAsync("Your order is paid.");
        await Expect(order.GetByRole(AriaRole.Button, new() { NameRegex = new Regex(@"^Pay \$\d+\.\d\d for order [0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}$") })).ToBeHiddenAsync();
        Assert.Equal(1, await Shop.ScalarAsync("SELECT count(*) FROM orders WHERE stock_id = @sale AND status = 'Paid'", ("sale", sale.Id)));

        // Reloaded, the page says the same.
        await page.ReloadAsync();
        await Expect(page.Locator($"[data-sale-id=\"{sale.Id}\"] [data-order-status-label]")).ToHaveTextAsync("Paid");
    });

    [Fact]
    public Task A_sold_out_sale_shows_sold_out() => RunSessionAsync(async session =>
    {
        var sale = await Shop.CreateSaleAsync("Soldout", quantity: 1, perBuyerLimit: 1);

        // Carol has the page open while the last unit is still there…
        var carol = await session.NewPageAsync();
        await SignInAsync(carol, "carol");
        await carol.GotoAsync($"/sales/{sale.Id}");
        await Expect(carol.Locator("[data-remaining]")).ToHaveTextAsync("1");
        await Expect(BuyButton(carol)).ToBeEnabledAsync();
        // …and her page stops refreshing the stock (a stale view), while dave buys the last unit.
        await carol.RouteAsync("**/stock", route => route.AbortAsync());
        using (var bought = await Shop.BuyDirectAsync(sale.Id, await Shop.SignInAsync("dave", ShopAppFixture.ShopperPassword, ShopAudiences.OrderingApi)))
        {
            Assert.Equal(202, (int)bought.StatusCode);
        }
        await BuyButton(carol).ClickAsync();
        await Expect(BuyMessage(carol)).ToHaveTextAsync("Sold out: every unit has found a buyer.");
        await Expect(BuyButton(carol)).ToBeDisabledAsync();
        await Expect(BuyButton(carol)).ToHaveTextAsync("Sold out");

        // A new visitor sees it sold out at once.
        var erin = await session.NewPageAsync();
        await SignInAsync(erin, "erin");
        await erin.GotoAsync($"/sales/{sale.Id}");
        await Expect(erin.Locator("[data-remaining]")).ToHaveTextAsync("0");
        await Expect(erin.Locator("[data-sale-status]")).ToHaveTextAsync("Sold out");
        await Expect(BuyButton(erin)).ToBeDisabledAsync();
        await Expect(BuyButton(erin)).ToHaveTextAsync("Sold out");
    });

    [Fact]
    public Task A_double_click_creates_one_order() => RunAsync(async page =>
    {
        var sale = await Shop.CreateSaleAsync("Doubleclick", quantity: 10, perBuyerLimit: 5);
        await SignInAsync(page, "dave");
        await page.GotoAsync($"/sales/{sale.Id}");
        await Expect(BuyButton(page)).ToBeEnabledAsync();
        var buys = new List<string>();
        page.Request += (_, request) =>
        {
            if (request.Method == "POST" && request.Url.EndsWith($"/bff/flash-sales/{sale.Id}/orders", StringComparison.Ordinal))
            {
                buys.Add(request.Headers["idempotency-key"]);
            }
        };

        await BuyButton(page).DblClickAsync();
        await Expect(BuyMessage(page)).ToContainTextAsync("Reserved!");
        Assert.Single(buys);

        // Exactly one durable order for this sale, one unit taken.
        await Eventually.TrueAsync(async () => await Shop.ScalarAsync("SELECT count(*) FROM orders WHERE stock_id = @sale", ("sale", sale.Id)) >= 1,
            "the order persisted", TimeSpan.FromSeconds(30));
        await Task.Delay(1500);
        Assert.Equal(1, await Shop.ScalarAsync("SELECT count(*) FROM orders WHERE stock_id = @sale", ("sale", sale.Id)));
        Assert.Equal(1, await Shop.ScalarAsync("SELECT coalesce(sum(quantity), 0) FROM orders WHERE stock_id = @sale", ("sale", sale.Id)));
        await Expect(page.Locator("[data-remaining]")).ToHaveTextAsync("9");

        // Even two requests with one key (a retry racing the first try) make one order.
        var answers = await page.EvaluateAsync<JsonElement>("""
            async saleId => {
              const key = crypto.randomUUID();
              const send = () => fetch(`/bff/flash-sales/${saleId}/orders`, { method: 'POST',
                headers: { 'Content-Type': 'application/json', 'Idempotency-Key': key, 'X-Shop-Client': '1' },
                body: JSON.stringify({ quantity: 1 }) }).then(async r => ({ status: r.status, orderId: (await r.json()).orderId }));
              return await Promise.all([send(), send()]);
            }
            """, sale.Id.ToString());
        Assert.Equal(202, answers[0].GetProperty("status").GetInt32());
        Assert.Equal(202, answers[1].GetProperty("status").GetInt32());
        Assert.Equal(answers[0].GetProperty("orderId").GetString(), answers[1].GetProperty("orderId").GetString());
        await Eventually.TrueAsync(async () => await Shop.ScalarAsync("SELECT count(*) FROM orders WHERE stock_id = @sale", ("sale", sale.Id)) >= 2,
            "the second order persisted", TimeSpan.FromSeconds(30));
        await Task.Delay(1500);
        Assert.Equal(2, await Shop.ScalarAsync("SELECT count(*) FROM orders WHERE stock_id = @sale", ("sale", sale.Id)));

        await page.GotoAsync("/orders");
        await Expect(page.Locator($"[data-sale-id=\"{sale.Id}\"]")).ToHaveCountAsync(2);
    });

    [Fact]
    public Task Busy_and_network_failures_are_retried_with_the_same_key() => RunAsync(async page =>
    {
        var sale = await Shop.CreateSaleAsync("Busy", quantity: 5, perBuyerLimit: 2);
        await SignInAsync(page, "erin");
        await page.GotoAsync($"/sales/{sale.Id}");
        await Expect(BuyButton(page)).ToBeEnabledAsync();

        // The first try never reaches the shop, the second is shed with Retry-After: 2, the third goes through.
        var keys = new List<string>();
        await page.RouteAsync($"**/bff/flash-sales/{sale.Id}/orders", async route =>
        {
            keys.Add(route.Request.Headers["idempotency-key"]);
            switch (keys.Count)
            {
                case 1:
                    await route.AbortAsync("connectionreset");
                    break;
                case 2:
                    await route.FulfillAsync(new RouteFulfillOptions
                    {
                        Status = 429,
                        ContentType = "application/problem+json",
                        Headers = new Dictionary<string, string> { ["Retry-After"] = "2" },
                        Body = """{"type":"urn:shop:problem:busy","status":429,"detail":"The shop is very busy: try again in a second."}""",
                    });
                    break;
                default:
                    await route.ContinueAsync();
                    break;
            }
        });

        await BuyButton(page).ClickAsync();
        await Expect(BuyMessage(page)).ToHaveTextAsync("We couldn't reach the shop. Check your connection and try again.");
        await Expect(BuyButton(page)).ToHaveTextAsync("Try again");

        await BuyButton(page).ClickAsync();
        await Expect(BuyMessage(page)).ToHaveTextAsync("The shop is very busy right now. Try again in 2 seconds.");
        await Expect(BuyButton(page)).ToBeDisabledAsync();
        await Expect(BuyButton(page)).ToHaveTextAsync(new Regex(@"^Try again in \ds$"));

        await Expect(BuyButton(page)).ToBeEnabledAsync(new() { Timeout = 5000 });
        await BuyButton(page).ClickAsync();
        await Expect(BuyMessage(page)).ToContainTextAsync("Reserved!");
        Assert.Equal(3, keys.Count);
        Assert.All(keys, key => Assert.Equal(keys[0], key));

        // A new purchase is a new attempt with a new key; over the limit it gets its own message.
        await page.Locator("[data-quantity]").SelectOptionAsync("2");
        await Expect(BuyButton(page)).ToBeEnabledAsync();
        await BuyButton(page).ClickAsync();
        await Expect(BuyMessage(page)).ToContainTextAsync("You can buy 1 more in this sale (limit 2 per shopper)");
        Assert.Equal(4, keys.Count);
        Assert.NotEqual(keys[0], keys[3]);
    });

    [Fact]
    public Task An_upcoming_sale_counts_down_and_cannot_be_bought_yet() => RunAsync(async page =>
    {
        var sale = await Shop.CreateSaleAsync("Upcoming", quantity: 5, perBuyerLimit: 1, startsIn: TimeSpan.FromHours(1));
        await SignInAsync(page, "bob");
        await page.GotoAsync($"/sales/{sale.Id}");
        await Expect(page.Locator("[data-sale-status]")).ToHaveTextAsync("Upcoming");
        await Expect(page.Locator("[data-countdown-label]")).ToHaveTextAsync("Starts in");
        await Expect(page.Locator("[data-countdown-value]")).ToHaveTextAsync(new Regex(@"^(01:00:00|59:\d\d)$"));
        await Expect(BuyButton(page)).ToBeDisabledAsync();
        await Expect(BuyButton(page)).ToHaveTextAsync("Not started yet");

        // The home page lists it with its countdown.
        await page.GotoAsync("/");
        var card = page.Locator($".sale-card[data-sale-id=\"{sale.Id}\"]");
        await Expect(card.Locator("[data-sale-status]")).ToHaveTextAsync("Upcoming");
        await Expect(card.Locator("[data-countdown-label]")).ToHaveTextAsync("Starts in");
    });

    [Fact]
    public Task The_sale_page_is_shared_and_output_cached() => RunAsync(async page =>
    {
        var sale = await Shop.CreateSaleAsync("Cached", quantity: 5, perBuyerLimit: 1);
        using var anonymous = new HttpClient { BaseAddress = Shop.Store };

        // A first-time visitor (no cookie of any kind, as every buyer who follows a link to the sale) gets a page
        // that sets no cookie and may be stored, and the next one gets the stored page.
        using (var first = new HttpClient { BaseAddress = Shop.Store })
        {
            using var rendered = await first.GetAsync($"/sales/{sale.Id}");
            Assert.Equal(200, (int)rendered.StatusCode);
            Assert.False(rendered.Headers.Contains("Set-Cookie"), "a shared page sets no antiforgery cookie");
            Assert.False(rendered.Headers.CacheControl?.NoStore ?? false, "a shared page is not marked no-store");
            using var stored = await first.GetAsync($"/sales/{sale.Id}");
            Assert.True(stored.Headers.Age is not null, "the second visitor is served from the output cache");
        }

        // A signed-in shopper and an anonymous visitor get the very same cached page: nothing personal in it,
        // no cookie set.
        // The cache entry lives 2 s (PageCaches.SalePageDuration), so the shopper's request may be served the
        // entry's last moments and the visitor's, a moment later, a fresh render: the pair is asked again then
        // (a few times at most: each pair takes milliseconds, far less than the entry's life).
        await SignInAsync(page, "alice");
        string html = "";
        HttpResponseMessage? again = null;
        for (var attempt = 0; attempt < 3 && again?.Headers.Age is null; attempt++)
        {
            again?.Dispose();
            var response = await page.APIRequest.GetAsync($"/sales/{sale.Id}");
            Assert.Equal(200, response.Status);
            Assert.False(response.Headers.ContainsKey("set-cookie"));
            html = await response.TextAsync();
            again = await anonymous.GetAsync($"/sales/{sale.Id}");
            Assert.Equal(200, (int)again.StatusCode);
        }
        using var shared = again!;
        Assert.True(shared.Headers.Age is not null, "served from the output cache");
        Assert.Equal(html, await shared.Content.ReadAsStringAsync());
        Assert.DoesNotContain("alice", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("data-account-slot", html, StringComparison.Ordinal);
        Assert.DoesNotContain("_blazor", html, StringComparison.Ordinal);

        // The script-facing endpoints need a session: 401 problem+json, not a redirect.
        using var buy = await anonymous.PostAsync($"/bff/flash-sales/{sale.Id}/orders", new StringContent("""{"quantity":1}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(401, (int)buy.StatusCode);
        Assert.Equal("application/problem+json", buy.Content.Headers.ContentType?.MediaType);
    });
}
