using RabbitMQ.Client;
using Shop.EventBus;
using Shop.IntegrationEvents;

namespace Shop.Bench;

/// <summary>
/// Publishes integration events on shop.events exactly as Catalog's outbox does (persistent, typed, with the
/// event id as message id, publisher confirms), so that Ordering arms sales and item stocks the production way.
/// </summary>
public static class ShopEvents
{
    public sealed record Message(string RoutingKey, string Type, Guid EventId, byte[] Body);

    public static async Task PublishAsync(BenchedShop shop, IReadOnlyList<Message> messages, CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory { Uri = new Uri(await shop.ConnectionStringAsync("messaging", cancellationToken).ConfigureAwait(false)) };
        var connection = await factory.CreateConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var channel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true), cancellationToken).ConfigureAwait(false);
            await using (channel.ConfigureAwait(false))
            {
                await EventBusTopology.DeclareExchangeAsync(channel, cancellationToken).ConfigureAwait(false);
                foreach (var message in messages)
                {
                    // With tracked confirms each publish returns once the broker has the message: none is left unsent.
                    await channel.BasicPublishAsync(EventTopology.Exchange, message.RoutingKey, mandatory: true,
                        new BasicProperties { Persistent = true, MessageId = message.EventId.ToString(), Type = message.Type, ContentType = "application/json" },
                        message.Body, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }
}
