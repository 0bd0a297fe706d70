using System.Net;
using System.Text;
using System.Text.Json;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using Shop.EventBus;
using Shop.IntegrationEvents;

namespace Shop.Catalog.Tests;

/// <summary>
/// Ordering's ItemStocksChanged, published to shop.events as Ordering publishes it, and what catalog-api shows. No
/// ordering-api runs in this app (CatalogAppFixture), so catalog-api's HTTP resync always fails: only the events can
/// explain a change of an item's availableStock.
/// </summary>
[Collection(CatalogCollection.Name)]
public sealed class ItemStockEventsTests(CatalogAppFixture fixture) : IAsyncLifetime
{
    private IConnection _connection = null!;
    private IChannel _channel = null!;

    public async Task InitializeAsync()
    {
        var factory = new ConnectionFactory { Uri = new Uri(await fixture.ConnectionStringAsync("messaging")) };
        _connection = await factory.CreateConnectionAsync("catalog-tests");
        _channel = await _connection.CreateChannelAsync();
        await EventBusTopology.DeclareExchangeAsync(_channel);
        // Ordering does not publish mandatory: an event published before catalog-api bound its queue is gone.
        await Eventually.TrueAsync(async () => await ConsumersAsync() > 0, $"catalog-api consumes {EventTopology.CatalogOrderingEvents.Name}");
    }

    public async Task DisposeAsync()
    {
        await _channel.DisposeAsync();
        await _connection.DisposeAsync();
    }

    [Fact]
    public async Task An_event_sets_the_items_stock_and_an_older_one_after_it_does_not()
    {
        var item = await CreateItemAsync();
        var marker = await CreateItemAsync();
        var now = DateTimeOffset.UtcNow;

        await PublishAsync(Event(now, (item.Id, 3)), traceParent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        await Eventually.TrueAsync(async () => await ShownAsync(item.Id) == 3, $"item {item.Id} shows 3 units");

        // Late: published a minute before the one above, delivered after it. The marker's event, queued behind it, shows
        // when the late one has been handled (one consumer, queue order).
        await PublishAsync(Event(now.AddMinutes(-1), (item.Id, 1)));
        await PublishAsync(Event(now, (marker.Id, 11)));
        await Eventually.TrueAsync(async () => await ShownAsync(marker.Id) == 11, $"item {marker.Id} shows 11 units");
        Assert.Equal(3, await ShownAsync(item.Id));

        // A redelivery (same event again) is harmless; a newer figure of the same item wins.
        await PublishAsync(Event(now.AddSeconds(1), (item.Id, 0)));
        await Eventually.TrueAsync(async () => await ShownAsync(item.Id) == 0, $"item {item.Id} shows 0 units");
        Assert.Equal(7, await fixture.ScalarAsync<int>("SELECT available_stock FROM catalog_items WHERE id = $1", item.Id)); // never stored
    }

    [Fact]
    public async Task A_message_that_is_not_a_valid_event_is_dead_lettered_and_the_next_event_still_applies()
    {
        var item = await CreateItemAsync();
        var now = DateTimeOffset.UtcNow;
        var valid = Json(Event(now.AddHours(1), (item.Id, 99)));
        var poison = new Dictionary<string, (byte[] Body, string Type)>
        {
            [Guid.NewGuid().ToString()] = ("{not json"u8.ToArray(), EventTopology.ItemStocksChangedType),
            [Guid.NewGuid().ToString()] = (Encoding.UTF8.GetBytes($$"""{"eventId":"{{Guid.NewGuid()}}","items":[{"itemId":{{item.Id}},"available":98}]}"""),
                EventTopology.ItemStocksChangedType),
            [Guid.NewGuid().ToString()] = (Encoding.UTF8.GetBytes($$"""{"eventId":"{{Guid.NewGuid()}}","occurredAt":"{{now.AddHours(1):O}}","items":[{"itemId":-{{item.Id}},"available":97}]}"""),
                EventTopology.ItemStocksChangedType),
            // Well formed, but not this event: had it been applied, its later time would keep the valid event below from applying.
            [Guid.NewGuid().ToString()] = (valid, EventTopology.OrderStatusChangedType),
        };
        foreach (var (messageId, (body, type)) in poison)
        {
            await PublishAsync(messageId, body, type);
        }
        await PublishAsync(Event(now, (item.Id, 4)));

        await Eventually.TrueAsync(async () => await ShownAsync(item.Id) == 4, $"item {item.Id} shows 4 units");
        var dead = new Dictionary<string, string?>();
        await Eventually.TrueAsync(async () =>
        {
            while (await _channel.BasicGetAsync(EventTopology.CatalogOrderingEvents.DeadLetterQueue, autoAck: true) is { } message)
            {
                dead[message.BasicProperties.MessageId ?? ""] = DeathReason(message.BasicProperties.Headers);
            }
            return poison.Keys.All(dead.ContainsKey);
        }, $"the {poison.Count} invalid messages are in {EventTopology.CatalogOrderingEvents.DeadLetterQueue}");
        Assert.All(poison.Keys, id => Assert.Equal($"rejected from {EventTopology.CatalogOrderingEvents.Name}", dead[id]));
        Assert.Equal(0u, (await _channel.QueueDeclarePassiveAsync(EventTopology.CatalogOrderingEvents.Name)).MessageCount);
    }

    private async Task<ItemDto> CreateItemAsync()
    {
        using var response = await fixture.AdminSendAsync(HttpMethod.Post, "/api/admin/catalog/items",
            new { name = $"Zz Stock Event {Guid.NewGuid():N}"[..30], description = "Stock from Ordering's events.", price = 5m, categoryId = 3, availableStock = 7 });
        return await Http.ReadAsync<ItemDto>(response, HttpStatusCode.Created);
    }

    private async Task<int> ShownAsync(int itemId) => (await fixture.Client.GetAsync<ItemDto>($"/api/catalog/items/{itemId}")).AvailableStock;

    private static ItemStocksChanged Event(DateTimeOffset occurredAt, params (int ItemId, long Available)[] items) =>
        new() { OccurredAt = occurredAt, Items = [.. items.Select(i => new ItemStockFigure(i.ItemId, i.Available))] };

    private static byte[] Json(ItemStocksChanged change) => JsonSerializer.SerializeToUtf8Bytes(change, IntegrationEventsJsonContext.Default.ItemStocksChanged);

    private Task PublishAsync(ItemStocksChanged change, string? traceParent = null) =>
        PublishAsync(change.EventId.ToString(), Json(change), EventTopology.ItemStocksChangedType, traceParent);

    /// <summary>As Ordering publishes: persistent JSON, its type and id, not mandatory, maybe a traceparent.</summary>
    private async Task PublishAsync(string messageId, byte[] body, string type, string? traceParent = null)
    {
        var properties = new BasicProperties
        {
            Persistent = true,
            ContentType = "application/json",
            MessageId = messageId,
            Type = type,
            AppId = "ordering-worker",
            Headers = traceParent is null ? null : new Dictionary<string, object?> { [Shop.ServiceDefaults.Telemetry.TraceParents.Header] = Encoding.ASCII.GetBytes(traceParent) },
        };
        await _channel.BasicPublishAsync(EventTopology.Exchange, EventTopology.ItemStocksChangedRoutingKey, mandatory: false, properties, body);
    }

    /// <summary>catalog-api's consumers of its queue (0 while the queue does not exist yet).</summary>
    private async Task<uint> ConsumersAsync()
    {
        // A passive declaration of a missing queue closes its channel: one of its own.
        await using var probe = await _connection.CreateChannelAsync();
        try
        {
            return (await probe.QueueDeclarePassiveAsync(EventTopology.CatalogOrderingEvents.Name)).ConsumerCount;
        }
        catch (OperationInterruptedException)
        {
            return 0;
        }
    }

    /// <summary>The broker's x-death header, as "{reason} from {queue}" (header strings arrive as bytes).</summary>
    private static string? DeathReason(IDictionary<string, object?>? headers)
    {
        static string? Text(object? value) => value is byte[] bytes ? Encoding.UTF8.GetString(bytes) : value?.ToString();
        return headers?.TryGetValue("x-death", out var deaths) == true && deaths is IList<object?> { Count: > 0 } list && list[0] is IDictionary<string, object?> death
            ? $"{Text(death["reason"])} from {Text(death["queue"])}"
            : null;
    }
}
