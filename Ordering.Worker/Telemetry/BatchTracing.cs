using System.Diagnostics;
using Shop.Ordering.Core.Redis;
using Shop.Ordering.Worker.Reservations;
using Shop.ServiceDefaults.Telemetry;

namespace Shop.Ordering.Worker.Telemetry;

/// <summary>
/// The span of one persisted batch. A batch carries many buyers' orders, each from its own trace (its stream entry's
/// <c>traceparent</c>, written by the gate's script from the buy request's span): the span links to every one of
/// them, and is the child of the first, so that a single traced buy reads as one trace from the click to its ledger
/// row (the batch's Postgres spans included). A batch without a traced order is a root span.
/// </summary>
public static class BatchTracing
{
    public static Activity? StartPersist(IReadOnlyList<GateStreamEntry> entries)
    {
        var traced = entries.Select(e => TraceParents.Parse(e.TraceParent)).Where(context => context != default).ToList();
        var parent = traced.Count > 0 ? traced[0] : default;
        return WorkerMetrics.Tracing.StartActivity("persist reservations", ActivityKind.Consumer, parent,
            tags: [new("messaging.system", "redis"), new("messaging.destination.name", LedgerStream.Name), new("messaging.batch.message_count", entries.Count)],
            links: traced.Select(context => new ActivityLink(context)));
    }
}
