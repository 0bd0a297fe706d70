using System.Text;
using System.Text.Json;
using RabbitMQ.Client;
using Shop.EventBus;
using Shop.IntegrationEvents;

namespace Shop.Ordering.Api.Tests;

/// <summary>
/// A subscriber of shop.events for one test, as any service would subscribe: its own queue (exclusive, gone with the
/// connection) bound to the routing keys it wants. Read what arrived with <see cref="OrderEventsAsync"/>.
/// </summary>
public sealed class EventSubscription : IAsyncDisposable
{
    private readonly IConnection _connection;
    private readonly IChannel _channel;
    private readonly string _queue;
    private readonly List<OrderStatusChanged> _orderEvents = [];

    private EventSubscription(IConnection connection, IChannel channel, string queue) => (_connection, _channel, _queue) = (connection, channel, queue);

    public static async Task<EventSubscription> StartAsync(string rabbitUri, params string[] routingKeys)
    {
        var connection = await new ConnectionFactory { Uri = new Uri(rabbitUri) }.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync();
        var queue = await EventBusTopology.DeclareListenerAsync(channel, routingKeys);
        return new EventSubscription(connection, channel, queue);
    }

    /// <summary>Every order status event received so far.</summary>
    public async Task<IReadOnlyList<OrderStatusChanged>> OrderEventsAsync()
    {
        while (await _channel.BasicGetAsync(_queue, autoAck: true) is { } message)
        {
            Assert.Equal(EventTopology.OrderStatusChangedType, message.BasicProperties.Type);
            var @event = JsonSerializer.Deserialize(Encoding.UTF8.GetString(message.Body.Span), IntegrationEventsJsonContext.Default.OrderStatusChanged)!;
            Assert.Equal(EventTopology.OrderStatusRoutingKey(@event.Status), message.RoutingKey);
            Assert.Equal(@event.EventId.ToString(), message.BasicProperties.MessageId);
            _orderEvents.Add(@event);
        }
        return _orderEvents;
    }

    public async ValueTask DisposeAsync()
    {
        await _channel.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
