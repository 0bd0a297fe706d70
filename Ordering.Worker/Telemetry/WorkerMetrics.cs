using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Shop.Ordering.Core.Messaging;
using Shop.Ordering.Core.Redis;
using Shop.Ordering.Worker.Reservations;

namespace Shop.Ordering.Worker.Telemetry;

/// <summary>
/// The worker's instruments (meter <see cref="MeterName"/>, registered with AddShopTelemetrySource). The API
/// counts buy decisions; the worker counts what happens after the gate's stream. The <c>shop.worker.*</c> names and
/// <c>shop.ordering.stream.lag</c> are what monitoring/alerts.yml alerts on: keep them in step.
/// </summary>
public sealed class WorkerMetrics
{
    public const string MeterName = "Shop.Ordering.Worker";

    /// <summary>The worker's own spans (a persisted batch, a catalog event applied, an event published), under the meter's name (AddShopTelemetrySource).</summary>
    public static readonly ActivitySource Tracing = new(MeterName);

    private readonly Histogram<double> _timeToDurable;
    private readonly ConcurrentDictionary<Guid, long> _remaining = new();

    private readonly Counter<long> _ordersPersisted;
    private readonly Histogram<int> _batchSize;
    private readonly Counter<long> _deadLetters;
    private readonly Counter<long> _releases;
    private readonly Counter<long> _expired;
    private readonly Counter<long> _parked;
    private readonly Counter<long> _rebuilds;
    private readonly Counter<long> _events;
    private readonly Counter<long> _violations;
    private long _streamLength = -1;
    private long _streamPending = -1;
    private double _streamLagSeconds = -1;
    private int _stocksInViolation;
    private long _gateMemoryUsed = -1;
    private long _gateMemoryLimit = -1;

    public WorkerMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _ordersPersisted = meter.CreateCounter<long>("shop.ordering.orders.persisted", "{order}", "Orders inserted into orderingdb (duplicates not counted).");
        _batchSize = meter.CreateHistogram<int>("shop.ordering.batch.size", "{reservation}", "Reservations per persisted batch.");
        _deadLetters = meter.CreateCounter<long>("shop.worker.dead_lettered", "{message}", "Messages rejected to a dead-letter queue.");
        _releases = meter.CreateCounter<long>("shop.ordering.releases.applied", "{release}", "Released orders whose units went back to the gate.");
        _expired = meter.CreateCounter<long>("shop.ordering.orders.expired", "{order}", "Unpaid orders expired.");
        _parked = meter.CreateCounter<long>("shop.worker.reservations.parked", "{reservation}",
            "Reservations no worker could persist, parked in ordering:reservations:parked for an operator.");
        _events = meter.CreateCounter<long>("shop.ordering.events.published", "{event}",
            "Integration events Ordering published to RabbitMQ (outcome published, or failed and retried later).");
        _rebuilds = meter.CreateCounter<long>("shop.ordering.gate.rebuilds", "{rebuild}", "Times the gate was rebuilt from the ledger.");
        _violations = meter.CreateCounter<long>("shop.ordering.reconciliation.violations", "{violation}", "Stocks whose stock invariant failed persistently.");
        _timeToDurable = meter.CreateHistogram<double>("shop.worker.time_to_durable", "s",
            "From the gate's 202 (the reservation's time) to its order committed in orderingdb.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 30, 60] });
        meter.CreateObservableGauge("shop.ordering.stock.remaining", ObserveRemaining, "{unit}",
            "Units the gate can still sell, per stock being reconciled (stock.id: a flash sale's id or an item's stock id).");
        meter.CreateObservableGauge("shop.ordering.stream.length", () => Known(Volatile.Read(ref _streamLength)), "{reservation}",
            "Reservations in the gate's stream not yet settled into the ledger (read or not).");
        meter.CreateObservableGauge("shop.ordering.stream.pending", () => Known(Volatile.Read(ref _streamPending)), "{reservation}",
            "Reservations a worker has read from the gate's stream and not yet settled.");
        meter.CreateObservableGauge("shop.ordering.stream.lag", () => Known(Volatile.Read(ref _streamLagSeconds)), "s",
            "Age of the oldest reservation in the gate's stream: how far the ledger is behind the gate.");
        meter.CreateObservableGauge("shop.ordering.gate.memory.used", () => Known(Volatile.Read(ref _gateMemoryUsed)), "By",
            "Memory the gate's Redis uses (INFO memory used_memory).");
        meter.CreateObservableGauge("shop.ordering.gate.memory.limit", () => Known(Volatile.Read(ref _gateMemoryLimit)), "By",
            "The gate's maxmemory (0: none): new reservations stop at Ordering:GateSoftMemoryLimit of it, every write at all of it.");
        meter.CreateObservableGauge("shop.worker.reconciliation.violations", () => Volatile.Read(ref _stocksInViolation), "{stock}",
            "Stocks whose invariant currently fails persistently.");
    }

    public void Persisted(int orders, int batchSize)
    {
        _ordersPersisted.Add(orders);
        _batchSize.Record(batchSize);
    }

    /// <param name="queue">The queue the message was rejected from.</param>
    /// <param name="reason"><c>poison</c>, <c>refused</c> (the ledger or the event was refused) or <c>failed</c>.</param>
    public void DeadLettered(string queue, string reason) =>
        _deadLetters.Add(1, new KeyValuePair<string, object?>("queue", queue), new KeyValuePair<string, object?>("reason", reason));

    /// <param name="outcome"><c>applied</c>, <c>already</c> (applied before) or <c>no-stock</c> (the gate had no such stock).</param>
    public void ReleaseApplied(string outcome) => _releases.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void Expired(int orders) => _expired.Add(orders);

    /// <param name="reason"><c>poison</c> (not a reservation), <c>refused</c> (the ledger refused it every time) or <c>failed</c>.</param>
    public void Parked(string reason) => _parked.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void Rebuilt() => _rebuilds.Add(1);

    public void EventsPublished(int published, int failed)
    {
        if (published > 0)
        {
            _events.Add(published, new KeyValuePair<string, object?>("outcome", "published"));
        }
        if (failed > 0)
        {
            _events.Add(failed, new KeyValuePair<string, object?>("outcome", "failed"));
        }
    }

    /// <summary>The gate's last sampled memory; null when it could not be read (the gauges then report nothing).</summary>
    public void SetGateMemory(GateMemory? memory)
    {
        Volatile.Write(ref _gateMemoryUsed, memory?.UsedBytes ?? -1);
        Volatile.Write(ref _gateMemoryLimit, memory?.MaxBytes ?? -1);
    }

    public void Violation(Guid stockId) => _violations.Add(1, new KeyValuePair<string, object?>("stock.id", stockId.ToString()));

    /// <summary>Records, for every reservation of which this batch inserted rows, the time since the gate accepted it.</summary>
    public void Durable(IEnumerable<ReservationMessage> reservations, IReadOnlyList<PersistedOrder> inserted)
    {
        if (inserted.Count == 0)
        {
            return;
        }
        var rows = inserted.Select(o => o.OrderId).ToHashSet();
        var now = DateTimeOffset.UtcNow;
        foreach (var reservation in reservations)
        {
            if (reservation.ToOrderRows().Any(r => rows.Contains(r.OrderId)))
            {
                _timeToDurable.Record(Math.Max(0, (now - reservation.ReservedAt).TotalSeconds));
            }
        }
    }

    public void SetRemaining(Guid stockId, long? units)
    {
        if (units is { } value)
        {
            _remaining[stockId] = value;
        }
        else
        {
            _remaining.TryRemove(stockId, out _);
        }
    }

    /// <summary>Stocks no longer reconciled leave the gauge.</summary>
    public void KeepRemainingOf(IReadOnlySet<Guid> stockIds)
    {
        foreach (var gone in _remaining.Keys.Where(id => !stockIds.Contains(id)))
        {
            _remaining.TryRemove(gone, out _);
        }
    }

    private IEnumerable<Measurement<long>> ObserveRemaining() =>
        _remaining.Select(p => new Measurement<long>(p.Value, new KeyValuePair<string, object?>("stock.id", p.Key.ToString())));

    /// <summary>The stream's backlog as last sampled; null when it could not be read (the gauges then report nothing).</summary>
    public void SetStreamBacklog(long? length, long? pending, TimeSpan? lag)
    {
        Volatile.Write(ref _streamLength, length ?? -1);
        Volatile.Write(ref _streamPending, pending ?? -1);
        Volatile.Write(ref _streamLagSeconds, lag?.TotalSeconds ?? -1);
    }

    public void SetStocksInViolation(int stocks) => Volatile.Write(ref _stocksInViolation, stocks);

    // Unknown (never sampled, or the gate unreachable) reports nothing rather than a misleading zero.
    private static IEnumerable<Measurement<long>> Known(long value) => value < 0 ? [] : [new Measurement<long>(value)];

    private static IEnumerable<Measurement<double>> Known(double value) => value < 0 ? [] : [new Measurement<double>(value)];
}
