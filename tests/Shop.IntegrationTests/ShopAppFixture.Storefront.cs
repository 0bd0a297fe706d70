using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting.Testing;
using Microsoft.Playwright;
using Npgsql;
using Shop.ServiceDefaults.Identity;

namespace Shop.IntegrationTests;

/// <summary>
/// What the storefront's browser tests (Storefront/) need of the shared app: one headless Chromium (Debian's), in which
/// each test gets a fresh browser context (cookies and storage of its own), the basket and ordering database, and
/// products and sales of a test's own, created through catalog-api's admin API, so that no test depends on a seeded sale.
/// </summary>
public sealed partial class ShopAppFixture
{
    public static readonly string[] ChromiumArgs =
        ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

    private int _itemCounter;

    /// <summary>The storefront's address (webfrontend, the only external resource).</summary>
    public Uri Store { get; private set; } = null!;

    public HttpClient Basket { get; private set; } = null!;

    public NpgsqlDataSource OrderingDb { get; private set; } = null!;

    public string AdminToken { get; private set; } = "";

    public IPlaywright Playwright { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    private async Task StartStorefrontAsync()
    {
        Store = App.GetEndpoint("webfrontend", "http");
        Basket = App.CreateHttpClient("basket-api");
        OrderingDb = NpgsqlDataSource.Create(await App.GetConnectionStringAsync("orderingdb") ?? throw new InvalidOperationException("orderingdb has no connection string"));
        AdminToken = await SignInAsync("admin", AdminPassword, ShopAudiences.CatalogApi);

        // Debian's Chromium only: the package never downloads a browser (nothing here calls 'playwright install').
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ChromiumArgs,
        });
    }

    private async Task StopStorefrontAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        Playwright?.Dispose();
        Basket?.Dispose();
        if (OrderingDb is not null)
        {
            await OrderingDb.DisposeAsync();
        }
    }

    /// <summary>A product of the test's own, so that no other sale overlaps it and its name is unique.</summary>
    public async Task<TestItem> CreateItemAsync(string word, decimal price = 100m, int stock = 100)
    {
        var number = Interlocked.Increment(ref _itemCounter);
        var name = $"{word} Test Item {number} {Guid.NewGuid().ToString("N")[..6]}";
        using var categories = await Catalog.GetAsync("/api/catalog/categories");
        using var categoryJson = JsonDocument.Parse(await categories.Content.ReadAsStringAsync());
        var categoryId = categoryJson.RootElement[0].GetProperty("id").GetInt32();
        using var response = await AdminSendAsync(HttpMethod.Post, "/api/admin/catalog/items",
            new { name, description = $"Made for the storefront test ({word}).", price, categoryId, availableStock = stock });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"create item: {(int)response.StatusCode} {body}");
        using var json = JsonDocument.Parse(body);
        return new TestItem(json.RootElement.GetProperty("id").GetInt32(), name, price, categoryId, $"Made for the storefront test ({word}).");
    }

    /// <summary>Sets an item's stock through catalog-api's admin API, and waits until ordering sells that figure.</summary>
    public async Task SetStockAsync(TestItem item, int stock)
    {
        using (var response = await AdminSendAsync(HttpMethod.Put, $"/api/admin/catalog/items/{item.Id}",
            new { name = item.Name, description = item.Description, price = item.Price, categoryId = item.CategoryId, availableStock = stock }))
        {
            Assert.True(response.IsSuccessStatusCode, $"set stock: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        await Eventually.TrueAsync(async () =>
        {
            using var answer = await Ordering.GetAsync($"/api/stock/items/{item.Id}");
            if (!answer.IsSuccessStatusCode)
            {
                return false;
            }
            using var json = JsonDocument.Parse(await answer.Content.ReadAsStringAsync());
            return json.RootElement.GetProperty("available").GetInt64() == stock;
        }, $"ordering sells {stock} of item {item.Id}", TimeSpan.FromSeconds(30));
    }

    /// <summary>Empties a shopper's basket straight on basket-api (baskets are kept across tests and runs).</summary>
    public async Task ClearBasketAsync(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, "/api/basket");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await Basket.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"clear basket: {(int)response.StatusCode}");
    }

    /// <summary>The shopper's checkout orders that have a line of <paramref name="itemId"/>, from ordering-api.</summary>
    public async Task<List<JsonElement>> CheckoutOrdersWithAsync(string token, int itemId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/orders");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await Ordering.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"orders: {(int)response.StatusCode}");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return [.. json.RootElement.EnumerateArray()
            .Where(o => o.GetProperty("kind").GetString() == "checkout"
                && o.GetProperty("lines").EnumerateArray().Any(l => l.GetProperty("itemId").GetInt32() == itemId))
            .Select(o => o.Clone())];
    }

    /// <summary>Creates a sale of a new product of its own and waits until ordering has armed it (the stock is readable).</summary>
    public async Task<TestSale> CreateSaleAsync(string word, int quantity, int perBuyerLimit, TimeSpan? startsIn = null, TimeSpan? duration = null, decimal salePrice = 49.99m)
    {
        var item = await CreateItemAsync(word);
        var startsAt = DateTimeOffset.UtcNow + (startsIn ?? TimeSpan.FromSeconds(-1));
        var endsAt = startsAt + (duration ?? TimeSpan.FromHours(1));
        using var response = await AdminSendAsync(HttpMethod.Post, "/api/admin/flash-sales",
            new { itemId = item.Id, salePrice, quantity, perBuyerLimit, startsAt, endsAt });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"create sale: {(int)response.StatusCode} {body}");
        using var json = JsonDocument.Parse(body);
        var sale = new TestSale(json.RootElement.GetProperty("id").GetGuid(), item, salePrice, quantity, perBuyerLimit);
        using var store = new HttpClient { BaseAddress = Store };
        await Eventually.TrueAsync(async () =>
        {
            using var stock = await store.GetAsync($"/bff/flash-sales/{sale.Id}/stock");
            return stock.IsSuccessStatusCode;
        }, $"sale {sale.Id} armed", TimeSpan.FromSeconds(30));
        return sale;
    }

    /// <summary>Buys straight from ordering-api (internal; reachable from the test), e.g. to sell a sale out.</summary>
    public async Task<HttpResponseMessage> BuyDirectAsync(Guid saleId, string token, int quantity = 1)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/flash-sales/{saleId}/orders")
        {
            Content = JsonContent.Create(new { quantity }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        return await Ordering.SendAsync(request);
    }

    public async Task<long> ScalarAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = OrderingDb.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        return Convert.ToInt64(await command.ExecuteScalarAsync() ?? 0L, System.Globalization.CultureInfo.InvariantCulture);
    }

    private Task<HttpResponseMessage> AdminSendAsync(HttpMethod method, string uri, object body)
    {
        var request = new HttpRequestMessage(method, uri) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        return Catalog.SendAsync(request);
    }
}

public sealed record TestItem(int Id, string Name, decimal Price, int CategoryId, string Description);

public sealed record TestSale(Guid Id, TestItem Item, decimal SalePrice, int Quantity, int PerBuyerLimit);
