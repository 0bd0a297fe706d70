using System.Diagnostics;
using Shop.Ordering.Worker.Reservations;

namespace Shop.Ordering.Worker.Telemetry;

/// <summary>
/// The span of one persisted batch. A batch carries many buyers' orders, each from its own trace: the span links
/// to every one of them, and is the child of the first, so that a single traced buy reads as one trace from the
/// click to its ledger row (the batch's Postgres spans included). A batch without a traced order is a root span.
/// </summary>
public static class BatchTracing
{
    public static Activity? StartPersist(IReadOnlyList<Delivery> deliveries)
    {
        var traced = deliveries.Where(d => d.Trace != default).Select(d => d.Trace).ToList();
        var parent = traced.Count > 0 ? traced[0] : default;
        var activity = WorkerMetrics.Tracing.StartActivity("persist reservations", ActivityKind.Consumer, parent,
            tags: [new("messaging.batch.message_count", deliveries.Count)],
            links: traced.Select(context => new ActivityLink(context)));
        return activity;
    }
}
