using RabbitMQ.Client;
using Shop.IntegrationEvents;

namespace Shop.Catalog.Api.Stock;

/// <summary>
/// The catalog's subscription to Ordering's events: the topic exchange <c>shop.events</c> → the durable queue
/// <c>catalog.ordering-events</c> (routing key <c>ordering.item-stocks.changed</c>), whose rejected messages go to
/// <c>catalog.ordering-events.dead</c> through a fanout exchange of its own. Durable, so that the events published
/// while catalog-api restarts wait for it. One queue for the catalog: with several catalog-api replicas they would
/// share its messages, and each replica's snapshot needs all of them (each would then need a queue of its own).
/// </summary>
public static class CatalogStockEventsTopology
{
    public const string Queue = "catalog.ordering-events";

    public const string DeadLetterExchange = "catalog.ordering-events.dead-letter";

    public const string DeadLetterQueue = "catalog.ordering-events.dead";

    /// <summary>Idempotent: declared on every new channel (the arguments must stay the same, or the broker refuses).</summary>
    public static async Task DeclareAsync(IChannel channel, CancellationToken cancellationToken)
    {
        await channel.ExchangeDeclareAsync(DeadLetterExchange, ExchangeType.Fanout, durable: true, autoDelete: false,
            cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.QueueDeclareAsync(DeadLetterQueue, durable: true, exclusive: false, autoDelete: false,
            cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.QueueBindAsync(DeadLetterQueue, DeadLetterExchange, routingKey: "", cancellationToken: cancellationToken).ConfigureAwait(false);

        await channel.ExchangeDeclareAsync(EventTopology.Exchange, ExchangeType.Topic, durable: true, autoDelete: false,
            cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.QueueDeclareAsync(Queue, durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?> { ["x-dead-letter-exchange"] = DeadLetterExchange },
            cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.QueueBindAsync(Queue, EventTopology.Exchange, EventTopology.ItemStocksChangedRoutingKey,
            cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
