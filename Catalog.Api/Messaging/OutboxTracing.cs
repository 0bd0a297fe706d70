using System.Diagnostics;
using System.Text;
using RabbitMQ.Client;
using Shop.Catalog.Data;
using Shop.IntegrationEvents;
using Shop.ServiceDefaults.Telemetry;

namespace Shop.Catalog.Api.Messaging;

/// <summary>
/// The publish span of an outbox row whose change was traced: a child of the admin's request (its traceparent was
/// saved with the row, since publishing happens later, on another thread, often after a restart), and the parent
/// the subscriber continues from (its id goes into the message's <see cref="TraceParents.Header"/>
/// header). An untraced row (seeding) gets no span and no header.
/// </summary>
public static class OutboxTracing
{
    /// <summary>Catalog's own spans, on the same name as its meter (<see cref="Caching.CacheMetrics.MeterName"/>), which ServiceDefaults listens to.</summary>
    public static readonly ActivitySource Source = new(Caching.CacheMetrics.MeterName);

    public static Activity? StartPublish(OutboxMessage message, BasicProperties properties)
    {
        var parent = TraceParents.Parse(message.TraceParent);
        if (parent == default)
        {
            return null;
        }
        var activity = Source.StartActivity("outbox publish " + message.RoutingKey, ActivityKind.Producer, parent);
        if (activity is null)
        {
            return null;
        }
        activity.SetTag("messaging.system", "rabbitmq");
        activity.SetTag("messaging.destination.name", EventTopology.Exchange);
        activity.SetTag("messaging.rabbitmq.destination.routing_key", message.RoutingKey);
        activity.SetTag("messaging.message.id", message.Id.ToString());
        activity.SetTag("shop.event.type", message.Type);
        properties.Headers ??= new Dictionary<string, object?>();
        properties.Headers[TraceParents.Header] = Encoding.ASCII.GetBytes(activity.Id!);
        return activity;
    }
}
