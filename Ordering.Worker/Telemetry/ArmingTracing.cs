using System.Diagnostics;
using RabbitMQ.Client.Events;
using Shop.ServiceDefaults.Telemetry;

namespace Shop.Ordering.Worker.Telemetry;

/// <summary>
/// The span of one catalog event being applied (a sale armed, an item's stock set): the child of Catalog's publish
/// span, whose id the message's <c>traceparent</c> header carries, so that an admin's change reads as one trace from
/// the request through the outbox and RabbitMQ to the ledger and the gate (the armer's Postgres and Redis spans sit
/// under it). An event from an untraced change (seeding) gets a root span of its own.
/// </summary>
public static class ArmingTracing
{
    public static Activity? StartApply(BasicDeliverEventArgs delivery, string? type)
    {
        var activity = WorkerMetrics.Tracing.StartActivity("apply " + (type ?? "unknown event"), ActivityKind.Consumer,
            TraceParents.FromHeaders(delivery.BasicProperties.Headers));
        activity?.SetTag("messaging.system", "rabbitmq");
        activity?.SetTag("messaging.destination.name", delivery.RoutingKey);
        activity?.SetTag("messaging.message.id", delivery.BasicProperties.MessageId);
        return activity;
    }
}
