using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading.Channels;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using Shop.EventBus;
using Shop.IntegrationEvents;

namespace Shop.Catalog.Tests;

/// <summary>Temporary queues bound to shop.events for one event type: what a subscriber would receive.</summary>
public static class Announcements
{
    /// <summary>FlashSaleChanged, as Ordering's worker receives it.</summary>
    public static Task<Announcements<FlashSaleChanged>> ListenAsync(string connectionString) =>
        Announcements<FlashSaleChanged>.ListenAsync(connectionString, EventTopology.FlashSaleChangedRoutingKey, IntegrationEventsJsonContext.Default.FlashSaleChanged);

    /// <summary>CatalogItemChanged, as Ordering receives it.</summary>
    public static Task<Announcements<CatalogItemChanged>> ListenForItemsAsync(string connectionString) =>
        Announcements<CatalogItemChanged>.ListenAsync(connectionString, EventTopology.CatalogItemChangedRoutingKey, IntegrationEventsJsonContext.Default.CatalogItemChanged);
}

/// <summary>A temporary queue bound to shop.events for one routing key, and what arrived on it.</summary>
public sealed class Announcements<TEvent> : IAsyncDisposable
    where TEvent : IntegrationEvent
{
    private readonly Channel<Announcement<TEvent>> _received = Channel.CreateUnbounded<Announcement<TEvent>>();
    private IConnection _connection = null!;
    private IChannel _channel = null!;

    public static async Task<Announcements<TEvent>> ListenAsync(string connectionString, string routingKey, JsonTypeInfo<TEvent> typeInfo)
    {
        var announcements = new Announcements<TEvent>();
        var factory = new ConnectionFactory { Uri = new Uri(connectionString) };
        announcements._connection = await factory.CreateConnectionAsync("catalog-tests");
        var channel = announcements._channel = await announcements._connection.CreateChannelAsync();
        var queue = await EventBusTopology.DeclareListenerAsync(channel, [routingKey]);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            // Copy: the body's memory belongs to the client only during this callback.
            var body = delivery.Body.ToArray();
            var @event = JsonSerializer.Deserialize(body, typeInfo)!;
            var properties = delivery.BasicProperties;
            await announcements._received.Writer.WriteAsync(new Announcement<TEvent>(
                @event, delivery.Exchange, delivery.RoutingKey, properties.MessageId, properties.Type, properties.ContentType, properties.Persistent,
                JsonDocument.Parse(body).RootElement.Clone(),
                properties.Headers?.TryGetValue(Shop.ServiceDefaults.Telemetry.TraceParents.Header, out var trace) == true && trace is byte[] bytes
                    ? System.Text.Encoding.ASCII.GetString(bytes) : null));
        };
        await channel.BasicConsumeAsync(queue, autoAck: true, consumer);
        return announcements;
    }

    /// <summary>The next announcement that matches, within <paramref name="timeout"/> (default 15 s).</summary>
    public async Task<Announcement<TEvent>> WaitForAsync(Func<TEvent, bool> match, TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        try
        {
            while (true)
            {
                var received = await _received.Reader.ReadAsync(deadline.Token);
                if (match(received.Event))
                {
                    return received;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"The expected {typeof(TEvent).Name} announcement did not arrive in time.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _channel.DisposeAsync();
        await _connection.DisposeAsync();
    }
}

public sealed record Announcement<TEvent>(
    TEvent Event, string Exchange, string RoutingKey, string? MessageId, string? Type, string? ContentType, bool Persistent, JsonElement Json,
    string? TraceParent);
