using System.Diagnostics.Metrics;

namespace Shop.Ordering.Worker.Telemetry;

/// <summary>
/// The worker's instruments (meter <see cref="MeterName"/>, registered with AddShopTelemetrySource). The API
/// counts buy decisions and relayed reservations; the worker counts what happens after the queue.
/// </summary>
public sealed class WorkerMetrics
{
    public const string MeterName = "Shop.Ordering.Worker";

    private readonly Counter<long> _ordersPersisted;
    private readonly Histogram<int> _batchSize;
    private readonly Counter<long> _deadLetters;
    private readonly Counter<long> _releases;
    private readonly Counter<long> _expired;
    private readonly Counter<long> _gateConfirmations;
    private readonly Counter<long> _rebuilds;
    private readonly Counter<long> _violations;
    private long _queueDepth = -1;
    private int _salesInViolation;

    public WorkerMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _ordersPersisted = meter.CreateCounter<long>("shop.ordering.orders.persisted", "{order}", "Orders inserted into orderingdb (duplicates not counted).");
        _batchSize = meter.CreateHistogram<int>("shop.ordering.batch.size", "{reservation}", "Reservations per persisted batch.");
        _deadLetters = meter.CreateCounter<long>("shop.ordering.dead_letters", "{message}", "Messages rejected to a dead-letter queue.");
        _releases = meter.CreateCounter<long>("shop.ordering.releases.applied", "{release}", "Released orders whose units went back to the gate.");
        _expired = meter.CreateCounter<long>("shop.ordering.orders.expired", "{order}", "Unpaid orders expired.");
        _gateConfirmations = meter.CreateCounter<long>("shop.ordering.gate.confirmations", "{order}", "Orders confirmed to the gate after being persisted.");
        _rebuilds = meter.CreateCounter<long>("shop.ordering.gate.rebuilds", "{rebuild}", "Times the gate was rebuilt from the ledger.");
        _violations = meter.CreateCounter<long>("shop.ordering.reconciliation.violations", "{violation}", "Sales whose stock invariant failed persistently.");
        meter.CreateObservableGauge("shop.ordering.queue.depth", ObserveQueueDepth, "{message}", "Reservations waiting in RabbitMQ (ready, not yet delivered).");
        meter.CreateObservableGauge("shop.ordering.reconciliation.failing_sales", () => Volatile.Read(ref _salesInViolation), "{sale}",
            "Sales whose invariant currently fails persistently.");
    }

    public void Persisted(int orders, int batchSize)
    {
        _ordersPersisted.Add(orders);
        _batchSize.Record(batchSize);
    }

    /// <param name="queue">The queue the message was rejected from.</param>
    /// <param name="reason"><c>poison</c>, <c>refused</c> (the ledger or the event was refused) or <c>failed</c>.</param>
    public void DeadLettered(string queue, string reason) =>
        _deadLetters.Add(1, new KeyValuePair<string, object?>("messaging.destination.name", queue), new KeyValuePair<string, object?>("reason", reason));

    /// <param name="outcome"><c>applied</c>, <c>already</c> (applied before) or <c>no-sale</c> (the gate had no such sale).</param>
    public void ReleaseApplied(string outcome) => _releases.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void Expired(int orders) => _expired.Add(orders);

    /// <param name="outcome"><c>confirmed</c>, <c>already</c>, <c>counted</c> (the gate had never seen the order) or <c>no-sale</c>.</param>
    public void GateConfirmed(string outcome, int orders) => _gateConfirmations.Add(orders, new KeyValuePair<string, object?>("outcome", outcome));

    public void Rebuilt() => _rebuilds.Add(1);

    public void Violation(Guid saleId) => _violations.Add(1, new KeyValuePair<string, object?>("sale.id", saleId.ToString()));

    public void SetQueueDepth(long depth) => Volatile.Write(ref _queueDepth, depth);

    public void SetSalesInViolation(int sales) => Volatile.Write(ref _salesInViolation, sales);

    private IEnumerable<Measurement<long>> ObserveQueueDepth()
    {
        // Unknown (never sampled, or RabbitMQ unreachable) reports nothing rather than a misleading zero.
        var depth = Volatile.Read(ref _queueDepth);
        return depth < 0 ? [] : [new Measurement<long>(depth)];
    }
}
