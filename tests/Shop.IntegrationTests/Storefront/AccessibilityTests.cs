using System.Text.Json;
using Microsoft.Playwright;
using Shop.ServiceDefaults.Identity;

namespace Shop.IntegrationTests.Storefront;

/// <summary>
/// axe-core (npm, tests/Shop.IntegrationTests/package.json) in the same Chromium: no serious or critical violation on the
/// shopper's and the admin's pages, each in the state a user sees it (with content, signed in where it matters).
/// </summary>
[Collection(ShopAppCollection.Name)]
public sealed class AccessibilityTests(ShopAppFixture shop) : BrowserTest(shop)
{
    private static readonly string AxeScript = Path.Combine(AppContext.BaseDirectory, "axe.min.js");

    protected override bool InjectsScripts => true;

    [Fact]
    public Task The_shoppers_pages_have_no_serious_violation() => RunAsync(async page =>
    {
        var sale = await Shop.CreateSaleAsync("Compass", quantity: 5, perBuyerLimit: 2);
        await AssertAccessibleAsync(page, "/signin", "sign-in");

        await SignInAsync(page, "alice");
        await AssertAccessibleAsync(page, "/", "home");
        await AssertAccessibleAsync(page, $"/items/{sale.Item.Id}", "item");
        await AssertAccessibleAsync(page, $"/sales/{sale.Id}", "sale");

        // My orders with an order in it, confirmed (its Pay and Cancel buttons showing).
        await page.GotoAsync($"/sales/{sale.Id}");
        await BuyButton(page).ClickAsync();
        await Expect(BuyMessage(page)).ToContainTextAsync("Reserved!");
        await page.GotoAsync("/orders");
        await Expect(page.Locator($"[data-sale-id=\"{sale.Id}\"] [data-order-status-label]")).ToHaveTextAsync("Confirmed", new() { Timeout = 30_000 });
        await AssertAccessibleAsync(page, null, "my orders");

        // The basket and the checkout with lines in them, then a checkout refused for a short line.
        var item = await Shop.CreateItemAsync("Astrolabe", price: 15m);
        await Shop.ClearBasketAsync(await Shop.SignInAsync("alice", ShopAppFixture.ShopperPassword, ShopAudiences.BasketApi));
        await page.GotoAsync($"/items/{item.Id}");
        await page.Locator("[data-add-quantity]").SelectOptionAsync("2");
        await page.GetByRole(AriaRole.Button, new() { Name = $"Add to basket: {item.Name}" }).ClickAsync();
        await Expect(page.Locator("[data-basket-notice]")).ToContainTextAsync("Added to your basket.");
        await AssertAccessibleAsync(page, null, "item with a basket notice");
        await page.GotoAsync("/basket");
        await BasketTests.WaitForCircuitAsync(page, "[data-basket]");
        await AssertAccessibleAsync(page, null, "basket");
        await Shop.SetStockAsync(item, 1);
        await page.GotoAsync("/checkout");
        await BasketTests.WaitForCircuitAsync(page, "[data-checkout]");
        await AssertAccessibleAsync(page, null, "checkout");
        await page.Locator("[data-place-order]").ClickAsync();
        await Expect(page.Locator("[data-line-problem]")).ToHaveTextAsync("Only 1 left (you asked for 2).");
        await AssertAccessibleAsync(page, null, "checkout refused");
    });

    [Fact]
    public Task The_admins_pages_have_no_serious_violation() => RunAsync(async page =>
    {
        var sale = await Shop.CreateSaleAsync("Sextant", quantity: 5, perBuyerLimit: 2);
        await SignInAsync(page, "admin", ShopAppFixture.AdminPassword);
        await AssertAccessibleAsync(page, "/admin", "admin sales");
        await AssertAccessibleAsync(page, $"/admin/sales/{sale.Id}", "admin live sale");
    });

    [Fact]
    public async Task The_check_finds_a_violation_when_there_is_one()
    {
        // The check itself can fail: a button with no name and grey-on-grey text are serious violations.
        await using var session = new BrowserSession(Shop, InjectsScripts);
        var page = await session.NewPageAsync(800, 600);
        await page.GotoAsync("/signin");
        await page.EvaluateAsync("""
            () => {
              const b = document.createElement('button');
              document.querySelector('main').appendChild(b);
              const p = document.createElement('p');
              p.textContent = 'hard to read';
              p.style.color = '#aaa';
              p.style.background = '#bbb';
              document.querySelector('main').appendChild(p);
            }
            """);
        var violations = await SeriousViolationsAsync(page);
        Assert.Contains(violations, v => v.Id == "button-name");
        Assert.Contains(violations, v => v.Id == "color-contrast");
    }

    private async Task AssertAccessibleAsync(IPage page, string? path, string name)
    {
        if (path is not null)
        {
            await page.GotoAsync(path);
        }
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        var violations = await SeriousViolationsAsync(page);
        Assert.True(violations.Count == 0, $"{name} ({page.Url}):\n" + string.Join("\n", violations.Select(v => $"  {v.Impact} {v.Id}: {v.Help} — {string.Join(" | ", v.Targets)}")));
    }

    private static async Task<List<Violation>> SeriousViolationsAsync(IPage page)
    {
        Assert.True(File.Exists(AxeScript), $"{AxeScript} is missing: run scripts/setup.sh chromium (npm ci in tests/Shop.IntegrationTests)");
        await page.AddScriptTagAsync(new() { Path = AxeScript });
        var result = await page.EvaluateAsync<JsonElement>("""
            async () => {
              const r = await axe.run(document, { resultTypes: ['violations'] });
              return r.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map(n => n.target.join(' ') + ': ' + (n.failureSummary || '').replace(/\s+/g, ' ')) }));
            }
            """);
        return [.. result.EnumerateArray().Select(v => new Violation(
            v.GetProperty("id").GetString()!, v.GetProperty("impact").GetString()!, v.GetProperty("help").GetString()!,
            [.. v.GetProperty("targets").EnumerateArray().Select(t => t.GetString()!)]))];
    }

    private sealed record Violation(string Id, string Impact, string Help, IReadOnlyList<string> Targets);
}
