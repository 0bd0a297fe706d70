using System.Diagnostics;
using RabbitMQ.Client.Events;
using Shop.IntegrationEvents;
using Shop.ServiceDefaults.Telemetry;

namespace Shop.Catalog.Api.Stock;

/// <summary>
/// The span of one <see cref="ItemStocksChanged"/> being applied, continuing the trace its <c>traceparent</c> header
/// names (Ordering's publish). An event without one gets no span: they come about once a second, and a root span
/// each would only bury the traces that matter.
/// </summary>
public static class ItemStockEventsTracing
{
    public static Activity? StartApply(BasicDeliverEventArgs delivery)
    {
        var parent = TraceParents.FromHeaders(delivery.BasicProperties.Headers);
        if (parent == default)
        {
            return null;
        }
        var activity = Messaging.OutboxTracing.Source.StartActivity("apply " + EventTopology.ItemStocksChangedType, ActivityKind.Consumer, parent);
        activity?.SetTag("messaging.system", "rabbitmq");
        activity?.SetTag("messaging.destination.name", delivery.RoutingKey);
        activity?.SetTag("messaging.message.id", delivery.BasicProperties.MessageId);
        return activity;
    }
}
