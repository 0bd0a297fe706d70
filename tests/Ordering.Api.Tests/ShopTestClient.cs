using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using RabbitMQ.Client;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Shop.EventBus;
using Shop.IntegrationEvents;
using Shop.Ordering.Core.Redis;
using Shop.ServiceDefaults.Identity;

namespace Shop.Ordering.Api.Tests;

/// <summary>
/// What the pipeline tests do to the running shop: mint buyers' tokens with the AppHost's signing key (the way
/// the load generator does), announce sales as Catalog would, buy, and read the ledger and the gate directly.
/// </summary>
public sealed class ShopTestClient(DistributedApplication app, string signingKey) : IAsyncDisposable
{
    private readonly TestTokens _tokens = new(signingKey);
    private readonly HttpClient _http = new(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = app.GetEndpoint("ordering-api", "http") };
    private NpgsqlDataSource? _orderingDb;
    private StackExchange.Redis.ConnectionMultiplexer? _redis;

    public HttpClient Http => _http;

    public string Token(string buyerId, params string[] roles) => _tokens.For(buyerId, roles);

    public async Task<NpgsqlDataSource> OrderingDbAsync() =>
        _orderingDb ??= NpgsqlDataSource.Create(await ConnectionStringAsync("orderingdb"));

    public async Task<StackExchange.Redis.IDatabase> RedisAsync()
    {
        _redis ??= await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(await ConnectionStringAsync("gate") + ",abortConnect=false");
        return _redis.GetDatabase();
    }

    /// <summary>A subscription to the order status events of <paramref name="statuses"/>, started now.</summary>
    public async Task<EventSubscription> SubscribeAsync(params OrderEventStatus[] statuses) =>
        await EventSubscription.StartAsync(await ConnectionStringAsync("messaging"), [.. statuses.Select(EventTopology.OrderStatusRoutingKey)]);

    /// <summary>orderingdb's connection string, password included (a data source's own hides it).</summary>
    public Task<string> OrderingDbConnectionStringAsync() => ConnectionStringAsync("orderingdb");

    /// <summary>The gate's connection string, password included.</summary>
    public Task<string> GateConnectionStringAsync() => ConnectionStringAsync("gate");

    private async Task<string> ConnectionStringAsync(string resourceName) =>
        await app.GetConnectionStringAsync(resourceName) ?? throw new InvalidOperationException($"{resourceName} has no connection string");

    /// <summary>Announces a sale on shop.events exactly as Catalog does, and waits until the gate has armed it.</summary>
    public async Task<Guid> ArmSaleAsync(int quantity, int perBuyerLimit, DateTimeOffset? startsAt = null, DateTimeOffset? endsAt = null, decimal salePrice = 9.99m)
    {
        var saleId = Guid.NewGuid();
        await PublishAsync(new FlashSaleChanged
        {
            SaleId = saleId, ItemId = 1, ItemName = "Test item", RegularPrice = 19.99m, SalePrice = salePrice,
            Quantity = quantity, PerBuyerLimit = perBuyerLimit,
            StartsAt = startsAt ?? DateTimeOffset.UtcNow.AddSeconds(-1), EndsAt = endsAt ?? DateTimeOffset.UtcNow.AddHours(1),
            Status = FlashSaleStatus.Scheduled, Version = 1,
        });
        var redis = await RedisAsync();
        await Eventually.TrueAsync(async () => await redis.KeyExistsAsync(GateKeys.Stock(saleId)) && await redis.KeyExistsAsync(GateKeys.Ready),
            $"sale {saleId} armed in Redis", TimeSpan.FromSeconds(30));
        return saleId;
    }

    public Task PublishAsync(FlashSaleChanged change) =>
        PublishAsync(JsonSerializer.SerializeToUtf8Bytes(change, IntegrationEventsJsonContext.Default.FlashSaleChanged),
            EventTopology.FlashSaleChangedRoutingKey, EventTopology.FlashSaleChangedType, change.EventId);

    /// <summary>Announces an item's state exactly as Catalog does (docs/checkout.md).</summary>
    public Task PublishAsync(CatalogItemChanged change) =>
        PublishAsync(JsonSerializer.SerializeToUtf8Bytes(change, IntegrationEventsJsonContext.Default.CatalogItemChanged),
            EventTopology.CatalogItemChangedRoutingKey, EventTopology.CatalogItemChangedType, change.EventId);

    private async Task PublishAsync(byte[] body, string routingKey, string type, Guid eventId)
    {
        var factory = new ConnectionFactory { Uri = new Uri(await ConnectionStringAsync("messaging")) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true, outstandingPublisherConfirmationsRateLimiter: null));
        await EventBusTopology.DeclareExchangeAsync(channel);
        await channel.BasicPublishAsync(EventTopology.Exchange, routingKey, mandatory: true,
            new BasicProperties { Persistent = true, MessageId = eventId.ToString(), Type = type, ContentType = "application/json" },
            body);
    }

    /// <summary>POST /api/flash-sales/{id}/orders with the buyer's token, a key and a raw body.</summary>
    public async Task<HttpResponseMessage> BuyAsync(Guid saleId, string? token, string? idempotencyKey, string? body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/flash-sales/{saleId}/orders");
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
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }
        return await _http.SendAsync(request);
    }

    public Task<HttpResponseMessage> BuyAsync(Guid saleId, string buyerId, string idempotencyKey, int quantity = 1) =>
        BuyAsync(saleId, Token(buyerId), idempotencyKey, $"{{\"quantity\":{quantity}}}");

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string token)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await _http.SendAsync(request);
    }

    public async Task<T> GetAsync<T>(string path, string token)
    {
        using var response = await SendAsync(HttpMethod.Get, path, token);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<T>())!;
    }

    public async Task<long> ScalarAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = (await OrderingDbAsync()).CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        return Convert.ToInt64(await command.ExecuteScalarAsync() ?? 0L, System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        _redis?.Dispose();
        if (_orderingDb is not null)
        {
            await _orderingDb.DisposeAsync();
        }
    }
}
