using Shop.Bench.Reporting;

namespace Shop.Bench.Scenarios;

/// <summary>A sale to run: units, limit, and buyers arriving at a rate for a while.</summary>
public sealed record SaleSpec(string Name, int Units, int PerBuyerLimit, double Rate, TimeSpan Duration);

/// <summary>A finished sale: its result, its id and what the generator was told was accepted.</summary>
public sealed record SaleOutcome(ScenarioResult Result, Guid SaleId, IReadOnlyList<AcceptedOrder> Accepted);

/// <summary>
/// Scenario 1, the sale: N units, buyers arriving at rate R (request i is the i-th buyer of the shuffled pool,
/// one unit each, a fresh Idempotency-Key per attempt). Measures every answer from its intended send time,
/// the time until the last unit was reserved, and — after waiting for the pipeline — the time until the last
/// order was durable; then audits the database (oversell, duplicates, lost).
/// </summary>
public static class SaleScenario
{
    public static async Task<SaleOutcome> RunAsync(BenchContext context, ISaleSystem system, SaleSpec spec, CancellationToken cancellationToken)
    {
        var saleId = await system.ArmAsync(spec.Units, spec.PerBuyerLimit, cancellationToken).ConfigureAwait(false);
        var settings = new LoadSettings(spec.Rate, spec.Duration, context.Options.MaxInFlight, TimeSpan.FromSeconds(60));
        var traffic = new BuyTraffic(context.Http, system.Replicas, system.OrdersPath(saleId), context.Buyers,
            $"{spec.Name[0]}{saleId.ToString("N")[..8]}", settings.Requests);
        context.Log($"{spec.Name} on {system.Name}: {spec.Units:N0} units, {settings.Requests:N0} requests at {spec.Rate:N0}/s from {Math.Min(settings.Requests, context.Buyers.Count):N0} buyers ...");
        var cpu = context.Meter($"{spec.Name} ({system.Name}, {spec.Rate:N0}/s offered)");
        cpu.Start();
        var run = await new OpenLoopGenerator(settings).RunAsync(traffic.SendAsync, cancellationToken).ConfigureAwait(false);
        var shares = cpu.Stop();

        var accepted = traffic.Accepted().ToList();
        var audit = await system.AuditAsync(saleId, spec.Units, spec.PerBuyerLimit, accepted, TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
        DateTimeOffset? soldOutAt = traffic.ReservedUnits >= spec.Units ? run.WallClock(traffic.LastReservedTimestamp) : null;
        var result = ScenarioResult.From(spec.Name, system.Name,
            $"{spec.Units:N0} units (limit {spec.PerBuyerLimit} per buyer), buyers arriving at {spec.Rate:N0}/s for {spec.Duration.TotalSeconds:0.#} s",
            run, traffic.Errors) with
        {
            TimeToSellOutMs = (soldOutAt - run.StartedAt)?.TotalMilliseconds,
            TimeToDurableMs = (audit.LastDurableAt - run.StartedAt)?.TotalMilliseconds,
            // The baseline commits before it answers: its last order is durable by the time the last 202 arrives.
            DurableAfterSellOutMs = (audit.LastDurableAt - soldOutAt)?.TotalMilliseconds is { } lag ? Math.Max(0, lag) : null,
            Audit = audit,
            Cpu = shares,
            Parameters = new Dictionary<string, string>
            {
                ["saleId"] = saleId.ToString(),
                ["units"] = spec.Units.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["perBuyerLimit"] = spec.PerBuyerLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["reservedUnitsAnswered"] = traffic.ReservedUnits.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
        };
        context.Log(Summary(result));
        return new SaleOutcome(result, saleId, accepted);
    }

    public static string Summary(ScenarioResult r)
    {
        var text = $"  {r.Name}/{r.System}: offered {r.OfferedRate:N0}/s, achieved {r.AchievedRate:N0}/s, p50 {r.All.P50Ms:F2} ms, p99 {r.All.P99Ms:F2} ms, "
            + $"p99.9 {r.All.P999Ms:F2} ms, max {r.All.MaxMs:F1} ms; "
            + string.Join(", ", r.Latency.Where(l => l.Key != "all").Select(l => $"{l.Key} {l.Value.Count:N0}"))
            + (r.GeneratorOverruns > 0 ? $", generator-overrun {r.GeneratorOverruns:N0}" : "");
        if (r.TimeToSellOutMs is { } sold)
        {
            text += $"; sold out in {sold:N0} ms";
        }
        if (r.TimeToDurableMs is { } durable)
        {
            text += $", last order durable at {durable:N0} ms";
        }
        if (r.Audit is { } audit)
        {
            text += $"; audit: oversell {audit.Oversell}, duplicates {audit.Duplicates}, lost {audit.Lost}, unacknowledged {audit.Unacknowledged}";
        }
        if (r.Errors.Count > 0)
        {
            text += "; errors: " + string.Join(", ", r.Errors.Select(e => $"{e.Key} ×{e.Value}"));
        }
        return text;
    }
}
