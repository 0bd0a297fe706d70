using System.Diagnostics;
using System.Text;
using RabbitMQ.Client;
using Shop.Ordering.Api.Telemetry;
using Shop.Ordering.Core.Redis;
using Shop.ServiceDefaults.Telemetry;

namespace Shop.Ordering.Api.Relay;

/// <summary>
/// The relay's span of a traced reservation: a child of the buy request's span (its traceparent came through the
/// stream entry), and the parent the worker's spans continue from (its id goes into the message's
/// <c>traceparent</c> header). Untraced reservations get no span and no header.
/// </summary>
public static class RelayTracing
{
    public static Activity? StartPublish(GateStreamEntry entry, BasicProperties properties)
    {
        var parent = TraceParents.Parse(entry.TraceParent);
        if (parent == default)
        {
            return null;
        }
        var activity = OrderingApiMetrics.Tracing.StartActivity("relay publish " + Core.Messaging.OrderingTopology.ReservationsQueue, ActivityKind.Producer, parent);
        if (activity is null)
        {
            return null;
        }
        activity.SetTag("messaging.system", "rabbitmq");
        activity.SetTag("messaging.destination.name", Core.Messaging.OrderingTopology.ReservationsQueue);
        activity.SetTag("messaging.message.id", properties.MessageId);
        activity.SetTag("shop.stream.entry", entry.Id);
        properties.Headers ??= new Dictionary<string, object?>();
        properties.Headers[TraceParents.Header] = Encoding.ASCII.GetBytes(activity.Id!);
        return activity;
    }
}
