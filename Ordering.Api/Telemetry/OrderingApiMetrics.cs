using System.Diagnostics.Metrics;

namespace Shop.Ordering.Api.Telemetry;

/// <summary>The hot path's counters (meter <see cref="MeterName"/>); what happens after the gate's stream is the worker's.</summary>
public sealed class OrderingApiMetrics
{
    public const string MeterName = "Shop.Ordering.Api";

    private readonly Counter<long> _decisions;
    private readonly Counter<long> _checkouts;

    public OrderingApiMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _decisions = meter.CreateCounter<long>("shop.ordering.decisions", description: "Buy requests answered, by outcome");
        _checkouts = meter.CreateCounter<long>("shop.ordering.checkouts", description: "Checkout requests answered, by outcome");
    }

    public void Decision(string outcome) => _decisions.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void Checkout(string outcome) => _checkouts.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
}
