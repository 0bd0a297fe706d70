using RabbitMQ.Client;
using Shop.IntegrationEvents;
using Shop.Ordering.Core.Messaging;

namespace Shop.Ordering.Worker.Messaging;

/// <summary>
/// The worker's subscription to Catalog's events: the topic exchange <c>shop.events</c> → the durable queue
/// <c>ordering.catalog-events</c> (routing keys <c>catalog.flash-sale.changed</c> and <c>catalog.item.changed</c>), whose rejected messages go to
/// <c>ordering.catalog-events.dead</c> through a fanout exchange of its own.
/// </summary>
public static class CatalogEventsTopology
{
    public const string DeadLetterExchange = "ordering.catalog-events.dead-letter";

    public const string DeadLetterQueue = "ordering.catalog-events.dead";

    public static async Task DeclareAsync(IChannel channel, CancellationToken cancellationToken)
    {
        await channel.ExchangeDeclareAsync(DeadLetterExchange, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellationToken);
        await channel.QueueDeclareAsync(DeadLetterQueue, durable: true, exclusive: false, autoDelete: false, cancellationToken: cancellationToken);
        await channel.QueueBindAsync(DeadLetterQueue, DeadLetterExchange, routingKey: "", cancellationToken: cancellationToken);

        await channel.ExchangeDeclareAsync(EventTopology.Exchange, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: cancellationToken);
        await channel.QueueDeclareAsync(OrderingTopology.CatalogEventsQueue, durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?> { ["x-dead-letter-exchange"] = DeadLetterExchange },
            cancellationToken: cancellationToken);
        await channel.QueueBindAsync(OrderingTopology.CatalogEventsQueue, EventTopology.Exchange, EventTopology.FlashSaleChangedRoutingKey,
            cancellationToken: cancellationToken);
        await channel.QueueBindAsync(OrderingTopology.CatalogEventsQueue, EventTopology.Exchange, EventTopology.CatalogItemChangedRoutingKey,
            cancellationToken: cancellationToken);
    }
}
