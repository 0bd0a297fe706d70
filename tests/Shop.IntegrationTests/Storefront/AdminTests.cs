using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Shop.ServiceDefaults.Identity;

namespace Shop.IntegrationTests.Storefront;

/// <summary>The admin area: create a sale, watch it live, cancel it.</summary>
[Collection(ShopAppCollection.Name)]
public sealed class AdminTests(ShopAppFixture shop) : BrowserTest(shop)
{
    [Fact]
    public Task Admin_creates_watches_and_cancels_a_sale() => RunAsync(async page =>
    {
        var item = await Shop.CreateItemAsync("Adminmade");
        await SignInAsync(page, "admin", ShopAppFixture.AdminPassword);
        await page.GetByRole(AriaRole.Link, new() { Name = "Admin", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Flash sales", Level = 1 })).ToBeVisibleAsync();

        await page.GetByLabel("Product", new() { Exact = true }).SelectOptionAsync(item.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByLabel("Sale price (USD)", new() { Exact = true }).FillAsync("25.00");
        await page.GetByLabel("Units", new() { Exact = true }).FillAsync("3");
        await page.GetByLabel("Per-shopper limit", new() { Exact = true }).FillAsync("1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create sale" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("The sale was created and announced.");
        var row = page.Locator("[data-admin-sales] tr", new() { HasText = item.Name });
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row.Locator("[data-sale-status]")).ToHaveTextAsync("Live");

        // A price above the item's regular price is refused with the API's reason.
        await page.GetByLabel("Product", new() { Exact = true }).SelectOptionAsync(item.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByLabel("Sale price (USD)", new() { Exact = true }).FillAsync("500");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create sale" }).ClickAsync();
        await Expect(page.Locator("[data-create-error]")).ToContainTextAsync("The sale was not created.");

        // Live view: sold, remaining, persisted, reconciliation.
        await page.GotoAsync("/admin");
        await row.GetByRole(AriaRole.Link, new() { Name = "Watch live" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = item.Name, Level = 1 })).ToBeVisibleAsync();
        await Expect(page.Locator("[data-live=remaining]")).ToHaveTextAsync("3", new() { Timeout = 30_000 });
        await Expect(page.Locator("[data-live=holds]")).ToHaveTextAsync("Holds", new() { Timeout = 30_000 });
        await Expect(page.Locator("[data-live=sold]")).ToHaveTextAsync("0");

        var saleId = Guid.Parse(Regex.Match(page.Url, "/admin/sales/([0-9a-f-]+)").Groups[1].Value);
        using (var bought = await Shop.BuyDirectAsync(saleId, await Shop.SignInAsync("bob", ShopAppFixture.ShopperPassword, ShopAudiences.OrderingApi)))
        {
            Assert.Equal(202, (int)bought.StatusCode);
        }
        await Expect(page.Locator("[data-live=remaining]")).ToHaveTextAsync("2");
        await Expect(page.Locator("[data-live=sold]")).ToHaveTextAsync("1", new() { Timeout = 30_000 });
        await Expect(page.Locator("[data-live=persisted]")).ToHaveTextAsync("1");
        await Expect(page.Locator("[data-live=holds]")).ToHaveTextAsync("Holds");

        // Cancel.
        await page.GotoAsync("/admin");
        await row.GetByRole(AriaRole.Button, new() { Name = $"Cancel the sale of {item.Name}" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("The sale was cancelled.");
        await Expect(row.Locator("[data-sale-status]")).ToHaveTextAsync("Cancelled");
        await Expect(row.GetByRole(AriaRole.Button, new() { Name = $"Cancel the sale of {item.Name}" })).ToHaveCountAsync(0);
    });
}
