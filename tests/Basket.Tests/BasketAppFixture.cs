using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.Options;
using Shop.ServiceDefaults.Identity;
using Shop.Testing;
using StackExchange.Redis;

namespace Shop.Basket.Tests;

/// <summary>
/// The whole Shop composition, started once for the basket tests: clients of basket-api and catalog-api, buyers'
/// tokens minted with the app's signing key, and the Redis the baskets live in.
/// </summary>
public sealed class BasketAppFixture : IAsyncLifetime
{
    private ConnectionMultiplexer? _redis;

    public ShopApp Shop { get; private set; } = null!;

    public HttpClient Basket { get; private set; } = null!;

    public HttpClient Catalog { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Shop = await ShopApp.StartAsync(only: ["basket-api", "catalog-api"]);
        Basket = Shop.App.CreateHttpClient("basket-api");
        Catalog = Shop.App.CreateHttpClient("catalog-api");
    }

    public string Token(string buyerId, params string[] roles) => Shop.Tokens.For(buyerId, roles);

    /// <summary>The Redis database basket-api keeps baskets in (<c>gate</c>).</summary>
    public async Task<IDatabase> RedisAsync()
    {
        _redis ??= await ConnectionMultiplexer.ConnectAsync(await Shop.App.GetConnectionStringAsync("gate") ?? throw new InvalidOperationException("gate has no connection string"));
        return _redis.GetDatabase();
    }

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token, string? json = null, string contentType = "application/json")
    {
        var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, contentType);
        }
        return Basket.SendAsync(request);
    }

    public Task<HttpResponseMessage> SetAsync(string buyer, int itemId, int quantity) =>
        SendAsync(HttpMethod.Put, $"/api/basket/items/{itemId}", Token(buyer), $"{{\"quantity\":{quantity}}}");

    public async Task<JsonElement> GetBasketAsync(string buyer)
    {
        using var response = await SendAsync(HttpMethod.Get, "/api/basket", Token(buyer));
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>An item as catalog-api shows it.</summary>
    public async Task<JsonElement> CatalogItemAsync(int itemId) => await Catalog.GetFromJsonAsync<JsonElement>($"/api/catalog/items/{itemId}");

    public async Task DisposeAsync()
    {
        Basket?.Dispose();
        Catalog?.Dispose();
        _redis?.Dispose();
        if (Shop is not null)
        {
            await Shop.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class BasketCollection : ICollectionFixture<BasketAppFixture>
{
    public const string Name = "basket app";
}
