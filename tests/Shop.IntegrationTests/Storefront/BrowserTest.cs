using System.Runtime.CompilerServices;
using Microsoft.Playwright;

namespace Shop.IntegrationTests.Storefront;

/// <summary>
/// Base of the browser tests: a fresh browser context per page (its own cookies), and a screenshot of every open
/// page to <c>tests/Shop.IntegrationTests/TestResults/screenshots/&lt;test&gt;.png</c> when the test fails.
/// </summary>
public abstract class BrowserTest(ShopAppFixture shop)
{
    protected ShopAppFixture Shop { get; } = shop;

    protected static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    protected static IPageAssertions Expect(IPage page) => Assertions.Expect(page);

    /// <summary>Runs a test with one page (a fresh context); screenshots it on failure.</summary>
    protected Task RunAsync(Func<IPage, Task> test, [CallerMemberName] string name = "", int width = 1280, int height = 900) =>
        RunSessionAsync(async session => await test(await session.NewPageAsync(width, height)), name);

    /// <summary>
    /// Whether the test puts scripts of its own into the pages (axe-core): the shop's Content-Security-Policy allows only
    /// its own script files, so such a test's browser ignores the policy (every other test runs under it).
    /// </summary>
    protected virtual bool InjectsScripts => false;

    /// <summary>Runs a test that needs several visitors (each page its own context); screenshots all on failure.</summary>
    protected async Task RunSessionAsync(Func<BrowserSession, Task> test, [CallerMemberName] string name = "")
    {
        await using var session = new BrowserSession(Shop, InjectsScripts);
        try
        {
            await test(session);
        }
        catch
        {
            await session.ScreenshotAllAsync(name);
            throw;
        }
    }

    protected static async Task SignInAsync(IPage page, string userName, string password = ShopAppFixture.ShopperPassword)
    {
        await page.GotoAsync("/signin");
        await SubmitSignInAsync(page, userName, password);
        await Expect(page.Locator(".account [data-user-name]")).ToHaveTextAsync(userName);
    }

    /// <summary>Fills in and sends the sign-in form the page shows.</summary>
    protected static async Task SubmitSignInAsync(IPage page, string userName, string password = ShopAppFixture.ShopperPassword)
    {
        await page.GetByLabel("User name").FillAsync(userName);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
    }

    protected static ILocator BuyButton(IPage page) => page.Locator("[data-buy-button]");

    protected static ILocator BuyMessage(IPage page) => page.Locator("[data-buy-message]");
}

/// <summary>The pages of one test, each in a browser context of its own.</summary>
public sealed class BrowserSession(ShopAppFixture shop, bool bypassContentSecurityPolicy = false) : IAsyncDisposable
{
    private readonly List<(IBrowserContext Context, IPage Page)> _pages = [];

    public async Task<IPage> NewPageAsync(int width = 1280, int height = 900)
    {
        var context = await shop.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = shop.Store.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = "en-US",
            TimezoneId = "UTC",
            BypassCSP = bypassContentSecurityPolicy,
        });
        context.SetDefaultTimeout(20_000);
        context.SetDefaultNavigationTimeout(30_000);
        var page = await context.NewPageAsync();
        _pages.Add((context, page));
        return page;
    }

    public async Task ScreenshotAllAsync(string testName)
    {
        var folder = Path.Combine(ProjectDirectory(), "TestResults", "screenshots");
        Directory.CreateDirectory(folder);
        for (var i = 0; i < _pages.Count; i++)
        {
            var file = Path.Combine(folder, _pages.Count == 1 ? $"{testName}.png" : $"{testName}-{i + 1}.png");
            try
            {
                await _pages[i].Page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
            }
            catch (PlaywrightException)
            {
                // A page that crashed or closed has nothing to show; the test's own failure is what matters.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (context, _) in _pages)
        {
            await context.DisposeAsync();
        }
    }

    /// <summary>tests/Shop.IntegrationTests, found from the test assembly's folder (bin/…).</summary>
    private static string ProjectDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Shop.IntegrationTests.csproj")))
            {
                return dir.FullName;
            }
        }
        return Directory.GetCurrentDirectory();
    }
}
