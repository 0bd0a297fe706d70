using Shop.Bench.Checkout;

namespace Shop.Bench.Reporting;

/// <summary>
/// What a checkout run adds to its <see cref="ScenarioResult"/>: the baskets, the rates docs/benchmark-targets.md
/// names, durability and the audit.
/// </summary>
public sealed record CheckoutFigures
{
    public required IReadOnlyList<int> ItemIds { get; init; }

    public required int StockPerItem { get; init; }

    /// <summary>How the stock was chosen (a share of the baskets' demand, or --checkout-stock).</summary>
    public required string StockRule { get; init; }

    public required double MeanLines { get; init; }

    public required double MeanUnits { get; init; }

    /// <summary>Distinct baskets decided (accepted or refused; a repeat counts once) per second, first intended send to last answer.</summary>
    public required double CheckoutsDecidedPerSecond { get; init; }

    /// <summary>Distinct accepted orders per second over the same span (bounded by the stock: some baskets are refused on purpose).</summary>
    public required double OrdersPerSecond { get; init; }

    /// <summary>From the first intended send to the last 202.</summary>
    public double? TimeToLastAcceptMs { get; init; }

    /// <summary>From the first intended send until the last line was durable (its confirmed_at).</summary>
    public double? TimeToDurableMs { get; init; }

    /// <summary>From the last 202 until the last line was durable.</summary>
    public double? DurableAfterLastAcceptMs { get; init; }

    public required CheckoutAuditResult Audit { get; init; }
}
