using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Shop.Ordering.Api.Telemetry;

/// <summary>The hot path's and the relay's counters (meter <see cref="MeterName"/>).</summary>
public sealed class OrderingApiMetrics
{
    public const string MeterName = "Shop.Ordering.Api";

    /// <summary>The API's own spans (the relay's publish), under the same name as the meter (AddShopTelemetrySource).</summary>
    public static readonly ActivitySource Tracing = new(MeterName);

    private long _streamLength = -1;
    private double _oldestEntryAgeSeconds;

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
        meter.CreateObservableGauge<long>("shop.ordering.relay.stream_length", () => Observe(Volatile.Read(ref _streamLength)), "{entry}",
            "Reservations in the Redis stream not yet relayed to RabbitMQ.");
        meter.CreateObservableGauge<double>("shop.ordering.relay.lag", () => Volatile.Read(ref _streamLength) < 0 ? [] : [new Measurement<double>(Volatile.Read(ref _oldestEntryAgeSeconds))], "s",
            "Age of the oldest reservation not yet relayed (0 when the stream is empty).");
    }

    public void Decision(string outcome) => _decisions.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void Checkout(string outcome) => _checkouts.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void SetRelayLag(long streamLength, TimeSpan oldestEntryAge)
    {
        Volatile.Write(ref _oldestEntryAgeSeconds, oldestEntryAge.TotalSeconds);
        Volatile.Write(ref _streamLength, streamLength);
    }

    // Never sampled yet reports nothing rather than a misleading zero.
    private static IEnumerable<Measurement<long>> Observe(long value) => value < 0 ? [] : [new Measurement<long>(value)];

    public void Relayed(int count)
    {
        _relayed.Add(count);
        _relayBatch.Record(count);
    }
}
