using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Shop.IntegrationTests.Storefront;

/// <summary>Browsing the catalog, searching, signing in and out, and where a signed-out shopper is sent.</summary>
[Collection(ShopAppCollection.Name)]
public sealed class BrowseTests(ShopAppFixture shop) : BrowserTest(shop)
{
    [Fact]
    public Task Browse_categories_pages_and_an_item() => RunAsync(async page =>
    {
        await page.GotoAsync("/");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Live and upcoming flash sales" })).ToBeVisibleAsync();
        var cards = page.Locator(".item-grid .item-card");
        await Expect(cards).ToHaveCountAsync(12);
        // Pictures really load (served by the storefront from catalog-api).
        var picture = page.Locator(".item-grid .card-picture").First;
        await picture.ScrollIntoViewIfNeededAsync(); // pictures below the fold load lazily
        await page.WaitForFunctionAsync("() => { const img = document.querySelector('.item-grid .card-picture'); return img.complete && img.naturalWidth > 0; }");

        // Paging.
        await Expect(page.Locator("[data-result-count]")).ToContainTextAsync("1–12 of");
        var firstOnPageOne = await cards.First.Locator(".card-title").InnerTextAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Next ›" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("page=2"));
        await Expect(page.Locator("[data-result-count]")).ToContainTextAsync("13–24 of");
        await Expect(page.Locator(".pager [aria-current=page]")).ToHaveTextAsync("2");
        Assert.NotEqual(firstOnPageOne, await cards.First.Locator(".card-title").InnerTextAsync());

        // A category.
        await page.Locator(".chips").GetByRole(AriaRole.Link, new() { Name = "Books" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Books", Level = 1 })).ToBeVisibleAsync();
        foreach (var category in await page.Locator(".item-grid .card-category").AllInnerTextsAsync())
        {
            Assert.Equal("BOOKS", category.ToUpperInvariant());
        }

        // An item.
        var name = await cards.First.Locator(".card-title").InnerTextAsync();
        await cards.First.Locator(".card-link").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = name, Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Img, new() { Name = $"Picture of {name}" })).ToBeVisibleAsync();
        await Expect(page.Locator(".product .price-now")).ToContainTextAsync("$");
    });

    [Fact]
    public Task Search_finds_a_product_and_says_when_nothing_matches() => RunAsync(async page =>
    {
        var item = await Shop.CreateItemAsync("Zebrafrost");
        await page.GotoAsync("/");
        await page.Locator(".site-header").GetByLabel("Search products").FillAsync("zebrafrost");
        await page.Locator(".site-header").GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Results for “zebrafrost”" })).ToBeVisibleAsync();
        await Expect(page.Locator(".item-grid .card-title", new() { HasText = item.Name })).ToBeVisibleAsync();
        foreach (var title in await page.Locator(".item-grid .card-title").AllInnerTextsAsync())
        {
            Assert.Contains("zebrafrost", title, StringComparison.OrdinalIgnoreCase);
        }

        // The catalog's own search form, with SQL and LIKE metacharacters taken literally.
        await page.Locator("#catalog").GetByLabel("Search products").FillAsync("nothing%like_this'");
        await page.Locator("#catalog").GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Expect(page.Locator(".empty-state")).ToContainTextAsync("No products match");
    });

    [Fact]
    public Task Shopper_signs_in_and_out() => RunAsync(async page =>
    {
        await page.GotoAsync("/signin");
        await SubmitSignInAsync(page, "bob", "not-the-password");
        await Expect(page.Locator("[data-signin-error]")).ToHaveTextAsync("Wrong user name or password.");

        await SubmitSignInAsync(page, "bob");
        await Expect(page.Locator(".account [data-user-name]")).ToHaveTextAsync("bob");
        var cookie = (await page.Context.CookiesAsync()).Single(c => c.Name == "shop.session");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Lax, cookie.SameSite);

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.Locator(".account").GetByRole(AriaRole.Link, new() { Name = "Sign in" })).ToBeVisibleAsync();
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "shop.session");
    });

    [Fact]
    public Task Signed_out_shopper_is_sent_to_sign_in() => RunAsync(async page =>
    {
        var sale = await Shop.CreateSaleAsync("Redirect", quantity: 5, perBuyerLimit: 1);

        // A page that needs a shopper.
        await page.GotoAsync("/orders");
        await Expect(page).ToHaveURLAsync(new Regex(@"/signin\?returnUrl=%2Forders$"));
        await SubmitSignInAsync(page, "carol");
        await Expect(page).ToHaveURLAsync(new Regex("/orders$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "My orders" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();

        // Buying on a sale page (served from the output cache to everyone): the script sends the shopper to sign
        // in and back.
        await page.GotoAsync($"/sales/{sale.Id}");
        await Expect(page.Locator("[data-account-slot]").GetByRole(AriaRole.Link, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await Expect(BuyButton(page)).ToBeEnabledAsync();
        await BuyButton(page).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($@"/signin\?returnUrl=%2Fsales%2F{sale.Id}$"));
        await SubmitSignInAsync(page, "carol");
        await Expect(page).ToHaveURLAsync(new Regex($"/sales/{sale.Id}$"));
        await Expect(page.Locator("[data-account-slot] [data-user-name]")).ToHaveTextAsync("carol");

        // The admin area is not for shoppers.
        await page.GotoAsync("/admin");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "This page isn't for your account" })).ToBeVisibleAsync();
    });

    [Fact]
    public Task Unknown_pages_get_a_friendly_page() => RunAsync(async page =>
    {
        var response = await page.GotoAsync("/no/such/page");
        Assert.Equal(404, response!.Status);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Page not found" })).ToBeVisibleAsync();
        response = await page.GotoAsync($"/sales/{Guid.NewGuid()}");
        Assert.Equal(404, response!.Status);
        await Expect(page.GetByRole(AriaRole.Heading, new() { NameRegex = new Regex("not found") })).ToBeVisibleAsync();
        response = await page.GotoAsync("/items/999999");
        Assert.Equal(404, response!.Status);
        await Expect(page.GetByRole(AriaRole.Heading, new() { NameRegex = new Regex("not found") })).ToBeVisibleAsync();
    });

    [Fact]
    public Task The_home_page_is_output_cached_for_visitors_who_are_not_signed_in() => RunAsync(async page =>
    {
        // Anonymous visitors without any cookie share one render per search and page (the 2 s cache, PageCaches).
        var search = "/?q=" + Guid.NewGuid().ToString("N")[..8];
        using var anonymous = new HttpClient { BaseAddress = Shop.Store };
        using var rendered = await anonymous.GetAsync(search);
        Assert.Equal(200, (int)rendered.StatusCode);
        Assert.False(rendered.Headers.Contains("Set-Cookie"), "the anonymous home page sets no cookie");
        using var stored = await anonymous.GetAsync(search);
        Assert.True(stored.Headers.Age is not null, "served from the output cache");
        Assert.Equal(await rendered.Content.ReadAsStringAsync(), await stored.Content.ReadAsStringAsync());

        // A signed-in shopper's home page is their own: rendered for them, with their "Add to basket" forms.
        await SignInAsync(page, "carol");
        var response = await page.APIRequest.GetAsync(search);
        Assert.Equal(200, response.Status);
        Assert.False(response.Headers.ContainsKey("age"), "a signed-in shopper's home page is not served from the cache");
        await page.GotoAsync("/");
        await Expect(page.Locator("form[data-add-to-basket]").First).ToBeVisibleAsync();
        await Expect(page.Locator("[data-account-slot] [data-user-name]")).ToHaveTextAsync("carol");
    });

    [Fact]
    public Task Works_on_a_phone() => RunAsync(async page =>
    {
        var sale = await Shop.CreateSaleAsync("Phone", quantity: 5, perBuyerLimit: 1);
        await page.GotoAsync("/");
        await Expect(page.Locator(".item-grid .item-card")).ToHaveCountAsync(12);
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), "no sideways scrolling on the home page");
        await Expect(page.Locator(".site-header").GetByLabel("Search products")).ToBeVisibleAsync();

        await page.GotoAsync($"/sales/{sale.Id}");
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), "no sideways scrolling on the sale page");
        await BuyButton(page).ScrollIntoViewIfNeededAsync();
        await Expect(BuyButton(page)).ToBeInViewportAsync();
        await Expect(BuyButton(page)).ToHaveTextAsync("Buy now");
    }, width: 390, height: 844);
}
