using System.Text.Json;
using System.Threading.Channels;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using Shop.IntegrationEvents;

namespace Shop.Catalog.Tests;

/// <summary>A temporary queue bound to shop.events for FlashSaleChanged: what a subscriber would receive.</summary>
public sealed class Announcements : IAsyncDisposable
{
    private readonly Channel<Announcement> _received = Channel.CreateUnbounded<Announcement>();
    private IConnection _connection = null!;
    private IChannel _channel = null!;

    public static async Task<Announcements> ListenAsync(string connectionString)
    {
        var announcements = new Announcements();
        var factory = new ConnectionFactory { Uri = new Uri(connectionString) };
        announcements._connection = await factory.CreateConnectionAsync("catalog-tests");
        var channel = announcements._channel = await announcements._connection.CreateChannelAsync();
        await channel.ExchangeDeclareAsync(EventTopology.Exchange, ExchangeType.Topic, durable: true, autoDelete: false);
        var queue = await channel.QueueDeclareAsync(queue: "", durable: false, exclusive: true, autoDelete: true);
        await channel.QueueBindAsync(queue.QueueName, EventTopology.Exchange, EventTopology.FlashSaleChangedRoutingKey);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            // Copy: the body's memory belongs to the client only during this callback.
            var body = delivery.Body.ToArray();
            var @event = JsonSerializer.Deserialize(body, IntegrationEventsJsonContext.Default.FlashSaleChanged)!;
            var properties = delivery.BasicProperties;
            await announcements._received.Writer.WriteAsync(new Announcement(
                @event, delivery.Exchange, delivery.RoutingKey, properties.MessageId, properties.Type, properties.ContentType, properties.Persistent,
                JsonDocument.Parse(body).RootElement.Clone()));
        };
        await channel.BasicConsumeAsync(queue.QueueName, autoAck: true, consumer);
        return announcements;
    }

    /// <summary>The next announcement that matches, within <paramref name="timeout"/> (default 15 s).</summary>
    public async Task<Announcement> WaitForAsync(Func<FlashSaleChanged, bool> match, TimeSpan? timeout = null)
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
            throw new Xunit.Sdk.XunitException("The expected FlashSaleChanged announcement did not arrive in time.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _channel.DisposeAsync();
        await _connection.DisposeAsync();
    }
}

public sealed record Announcement(
    FlashSaleChanged Event, string Exchange, string RoutingKey, string? MessageId, string? Type, string? ContentType, bool Persistent, JsonElement Json);
