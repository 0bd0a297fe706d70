using RabbitMQ.Client;

namespace Shop.Ordering.Core.Messaging;

/// <summary>
/// Declares the reservations queue and its dead-letter route. The relay (publisher) and the worker (consumer)
/// both call it, so the queue exists with the same arguments whichever starts first; RabbitMQ refuses a
/// re-declaration with different arguments, so this is the one place they are written.
/// </summary>
public static class OrderingQueues
{
    public static async Task DeclareReservationsAsync(IChannel channel, CancellationToken cancellationToken)
    {
        await channel.ExchangeDeclareAsync(OrderingTopology.DeadLetterExchange, ExchangeType.Fanout, durable: true, autoDelete: false,
            cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.QueueDeclareAsync(OrderingTopology.DeadLetterQueue, durable: true, exclusive: false, autoDelete: false,
            cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.QueueBindAsync(OrderingTopology.DeadLetterQueue, OrderingTopology.DeadLetterExchange, routingKey: "",
            cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.QueueDeclareAsync(OrderingTopology.ReservationsQueue, durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?> { ["x-dead-letter-exchange"] = OrderingTopology.DeadLetterExchange },
            cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
