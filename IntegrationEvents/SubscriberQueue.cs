namespace Shop.IntegrationEvents;

/// <summary>
/// A subscriber's durable queue on <see cref="EventTopology.Exchange"/>: its name, the routing keys it is bound with,
/// and where the messages it rejects go (a fanout exchange and a queue of its own, named after it, so that one
/// subscriber's poison never mixes with another's). Only names: <c>Shop.EventBus</c>'s <c>EventBusTopology</c>
/// declares them, the same way for every caller.
/// </summary>
public sealed record SubscriberQueue(string Name, IReadOnlyList<string> RoutingKeys)
{
    /// <summary><c>{queue}.dead-letter</c>: the queue's <c>x-dead-letter-exchange</c> (fanout).</summary>
    public string DeadLetterExchange => Name + ".dead-letter";

    /// <summary><c>{queue}.dead</c>: where rejected messages wait for someone to look at them.</summary>
    public string DeadLetterQueue => Name + ".dead";
}
