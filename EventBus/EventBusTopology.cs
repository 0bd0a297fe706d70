using RabbitMQ.Client;
using Shop.IntegrationEvents;

namespace Shop.EventBus;

/// <summary>
/// Declares what <see cref="EventTopology"/> names, the one way every publisher, subscriber, test and the bench do it.
/// Every call is idempotent, so each runs on every new channel; the arguments must never change for an existing
/// entity (the broker refuses a redeclaration with other arguments, closing the channel with 406).
/// </summary>
public static class EventBusTopology
{
    /// <summary>The durable topic exchange <see cref="EventTopology.Exchange"/>; publishers declare it before they publish.</summary>
    public static Task DeclareExchangeAsync(IChannel channel, CancellationToken cancellationToken = default) =>
        channel.ExchangeDeclareAsync(EventTopology.Exchange, ExchangeType.Topic, durable: true, autoDelete: false,
            cancellationToken: cancellationToken);

    /// <summary>
    /// A service's subscription: its durable queue bound to the exchange with its routing keys, whose rejected messages
    /// go through a fanout exchange of its own into its dead-letter queue. Durable, so that what is published while
    /// the subscriber restarts waits for it.
    /// </summary>
    public static async Task DeclareAsync(IChannel channel, SubscriberQueue queue, CancellationToken cancellationToken = default)
    {
        await channel.ExchangeDeclareAsync(queue.DeadLetterExchange, ExchangeType.Fanout, durable: true, autoDelete: false,
            cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.QueueDeclareAsync(queue.DeadLetterQueue, durable: true, exclusive: false, autoDelete: false,
            cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.QueueBindAsync(queue.DeadLetterQueue, queue.DeadLetterExchange, routingKey: "",
            cancellationToken: cancellationToken).ConfigureAwait(false);

        await DeclareExchangeAsync(channel, cancellationToken).ConfigureAwait(false);
        await channel.QueueDeclareAsync(queue.Name, durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?> { ["x-dead-letter-exchange"] = queue.DeadLetterExchange },
            cancellationToken: cancellationToken).ConfigureAwait(false);
        foreach (var routingKey in queue.RoutingKeys)
        {
            await channel.QueueBindAsync(queue.Name, EventTopology.Exchange, routingKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A listener's queue, without dead-lettering (what a test or a tool reads events from): a temporary one
    /// (server-named, exclusive, gone with its connection) when <paramref name="durableName"/> is null, otherwise a
    /// durable one of that name, which keeps what arrives across a broker restart. Returns the queue's name.
    /// </summary>
    public static async Task<string> DeclareListenerAsync(IChannel channel, IEnumerable<string> routingKeys, string? durableName = null,
        CancellationToken cancellationToken = default)
    {
        await DeclareExchangeAsync(channel, cancellationToken).ConfigureAwait(false);
        var queue = durableName is null
            ? (await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true, cancellationToken: cancellationToken).ConfigureAwait(false)).QueueName
            : (await channel.QueueDeclareAsync(durableName, durable: true, exclusive: false, autoDelete: false, cancellationToken: cancellationToken).ConfigureAwait(false)).QueueName;
        foreach (var routingKey in routingKeys)
        {
            await channel.QueueBindAsync(queue, EventTopology.Exchange, routingKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        return queue;
    }
}
