using System.Diagnostics.Metrics;

namespace Shop.Ordering.Api.Telemetry;

/// <summary>The hot path's and the relay's counters (meter <see cref="MeterName"/>).</summary>
public sealed class OrderingApiMetrics
{
    public const string MeterName = "Shop.Ordering.Api";

    private readonly Counter<long> _decisions;
    private readonly Counter<long> _checkouts;
    private readonly Counter<long> _relayed;
    private readonly Histogram<int> _relayBatch;

    public OrderingApiMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _decisions = meter.CreateCounter<long>("shop.ordering.decisions", description: "Buy requests answered, by outcome");
        _checkouts = meter.CreateCounter<long>("shop.ordering.checkouts", description: "Checkout requests answered, by outcome");
        _relayed = meter.CreateCounter<long>("shop.ordering.reservations.relayed", description: "Reservations moved from the Redis stream to RabbitMQ");
        _relayBatch = meter.CreateHistogram<int>("shop.ordering.relay.batch_size", description: "Reservations per relay batch");
    }

    public void Decision(string outcome) => _decisions.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void Checkout(string outcome) => _checkouts.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void Relayed(int count)
    {
        _relayed.Add(count);
        _relayBatch.Record(count);
    }
}
