using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Shop.IntegrationEvents;
using Shop.Ordering.Core;
using Shop.Ordering.Core.Redis;

namespace Shop.Ordering.Api.Tests;

/// <summary>
/// What the checkout tests do: give items a stock as Catalog would announce it, check baskets out, and read an
/// item's stock in the gate and the ledger. Item ids are drawn from a range of their own (no catalog runs here),
/// so that tests sharing one composition never share an item.
/// </summary>
public sealed class CheckoutClient(ShopTestClient shop)
{
    private static int s_nextItem = 900_000 + Random.Shared.Next(0, 50_000) * 10;

    public ShopTestClient Shop => shop;

    public static int NewItemId() => Interlocked.Increment(ref s_nextItem);

    public static CatalogItemChanged Item(int itemId, int stock, long version = 1, long? stockVersion = null, decimal price = 10m, bool deleted = false) => new()
    {
        ItemId = itemId, Name = $"Test item {itemId}", Price = price, Stock = stock,
        StockVersion = stockVersion ?? version, Deleted = deleted, Version = version,
    };

    /// <summary>Announces the item and waits until the gate holds it at that stock version.</summary>
    public async Task<int> StockAsync(CatalogItemChanged change)
    {
        await shop.PublishAsync(change);
        var redis = await shop.RedisAsync();
        await Eventually.TrueAsync(async () =>
                await redis.HashGetAsync(GateKeys.Stock(ItemStocks.StockId(change.ItemId)), "version") is { IsNull: false } v && (long)v >= change.Version,
            $"item {change.ItemId} v{change.Version} in the gate", TimeSpan.FromSeconds(30));
        return change.ItemId;
    }

    public Task<int> NewItemAsync(int stock, decimal price = 10m) => StockAsync(Item(NewItemId(), stock, price: price));

    public static string Body(params (int ItemId, int Quantity)[] lines) =>
        JsonSerializer.Serialize(new { items = lines.Select(l => new { itemId = l.ItemId, quantity = l.Quantity }) });

    /// <summary>POST /api/orders with a raw body, the token and key given (either may be null).</summary>
    public async Task<HttpResponseMessage> CheckoutAsync(string? token, string? idempotencyKey, string? body, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders");
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        }
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, contentType);
        }
        return await shop.Http.SendAsync(request);
    }

    public Task<HttpResponseMessage> CheckoutAsync(string buyerId, string idempotencyKey, params (int ItemId, int Quantity)[] lines) =>
        CheckoutAsync(shop.Token(buyerId), idempotencyKey, Body(lines));

    /// <summary>
    /// Checks out and returns the accepted order id (fails the test on any other answer). A 503 or 429 is "try
    /// again" (a loaded machine can make the gate slow for a moment): retried with the same key, as a client does,
    /// which can never make a second order.
    /// </summary>
    public async Task<Guid> CheckoutAcceptedAsync(string buyerId, string idempotencyKey, params (int ItemId, int Quantity)[] lines)
    {
        var response = await CheckoutAsync(buyerId, idempotencyKey, lines);
        for (var attempt = 1; attempt < 5 && response.StatusCode is System.Net.HttpStatusCode.ServiceUnavailable or System.Net.HttpStatusCode.TooManyRequests; attempt++)
        {
            response.Dispose();
            await Task.Delay(TimeSpan.FromSeconds(1));
            response = await CheckoutAsync(buyerId, idempotencyKey, lines);
        }
        using var answered = response;
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Accepted, $"checkout answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("orderId").GetGuid();
    }

    public async Task<long> GateAsync(int itemId, string field) =>
        (long)await (await shop.RedisAsync()).HashGetAsync(GateKeys.Stock(ItemStocks.StockId(itemId)), field);

    public Task<long> LedgerAsync(int itemId, string column) =>
        shop.ScalarAsync($"SELECT {column} FROM stocks WHERE stock_id = @s", ("s", ItemStocks.StockId(itemId)));

    /// <summary>Units of the item in durable orders that still hold them (not expired or cancelled).</summary>
    public Task<long> SoldAsync(int itemId) =>
        shop.ScalarAsync("SELECT COALESCE(sum(quantity), 0) FROM orders WHERE stock_id = @s AND status IN ('Confirmed', 'Paid')", ("s", ItemStocks.StockId(itemId)));

    public async Task<JsonElement> WaitForStatusAsync(Guid orderId, string buyerId, string status)
    {
        var token = shop.Token(buyerId);
        JsonElement order = default;
        await Eventually.TrueAsync(async () =>
        {
            using var response = await shop.SendAsync(HttpMethod.Get, $"/api/orders/{orderId}", token);
            order = await response.Content.ReadFromJsonAsync<JsonElement>();
            return response.IsSuccessStatusCode && order.GetProperty("status").GetString() == status;
        }, $"order {orderId} {status}", TimeSpan.FromSeconds(30));
        return order;
    }

    /// <summary>The admin reconciliation of the item's stock holds.</summary>
    public async Task AssertReconcilesAsync(int itemId)
    {
        var report = await shop.GetAsync<JsonElement>($"/api/admin/items/{itemId}/reconciliation", shop.Token("auditor", "admin"));
        Assert.True(report.GetProperty("holds").GetBoolean(), $"item {itemId} does not reconcile: {report}");
    }
}
