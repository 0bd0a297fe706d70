using System.Diagnostics;
using System.Text;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using Shop.IntegrationEvents;
using Shop.ServiceDefaults.Telemetry;

namespace Shop.EventBus;

/// <summary>
/// W3C trace context across RabbitMQ, which no instrumentation carries for us: the publish span goes into the
/// message's <see cref="TraceParents.Header"/> header, and the subscriber's span continues from it, so that a change
/// reads as one trace from the request that made it to the service that applied it. Each service passes its own
/// <see cref="ActivitySource"/> (its spans keep their service's scope). Only a traced change is carried: publishing
/// happens later than the change, from an outbox row that kept the change's traceparent, and an untraced row
/// (seeding, a coalesced figure) gets no span and no header.
/// </summary>
public static class MessageTracing
{
    /// <summary>
    /// The producer span of a message whose change was traced (<paramref name="traceParent"/>, "" or null when not),
    /// its id written into <paramref name="properties"/>' header for the subscriber; null, and no header, otherwise.
    /// </summary>
    public static Activity? StartPublish(ActivitySource source, string name, string? traceParent, string routingKey, BasicProperties properties)
    {
        var parent = TraceParents.Parse(traceParent);
        if (parent == default)
        {
            return null;
        }
        var activity = source.StartActivity(name, ActivityKind.Producer, parent,
            tags: [new("messaging.system", "rabbitmq"), new("messaging.destination.name", EventTopology.Exchange),
                new("messaging.rabbitmq.destination.routing_key", routingKey), new("messaging.message.id", properties.MessageId),
                new("shop.event.type", properties.Type)]);
        if (activity?.Id is not { } spanId)
        {
            return null;
        }
        properties.Headers ??= new Dictionary<string, object?>();
        properties.Headers[TraceParents.Header] = Encoding.ASCII.GetBytes(spanId);
        return activity;
    }

    /// <summary>
    /// The consumer span of one delivery, the child of the publish span its header names. A delivery without one gets
    /// a root span of its own when <paramref name="rootWhenUntraced"/>, or none (null) otherwise: a subscriber of
    /// frequent untraced events would only bury the traces that matter under their root spans.
    /// </summary>
    public static Activity? StartConsume(ActivitySource source, string name, BasicDeliverEventArgs delivery, bool rootWhenUntraced)
    {
        var parent = Extract(delivery.BasicProperties);
        if (parent == default && !rootWhenUntraced)
        {
            return null;
        }
        return source.StartActivity(name, ActivityKind.Consumer, parent,
            tags: [new("messaging.system", "rabbitmq"), new("messaging.destination.name", delivery.RoutingKey),
                new("messaging.message.id", delivery.BasicProperties.MessageId)]);
    }

    /// <summary>
    /// The trace context a message's <see cref="TraceParents.Header"/> header names (the client hands header strings
    /// over as bytes), or default when it has none.
    /// </summary>
    public static ActivityContext Extract(IReadOnlyBasicProperties properties) =>
        properties.Headers?.TryGetValue(TraceParents.Header, out var value) == true
            ? TraceParents.Parse(value switch { byte[] bytes => Encoding.ASCII.GetString(bytes), string text => text, _ => null })
            : default;
}
