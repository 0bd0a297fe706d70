using Shop.Bench.Reporting;

namespace Shop.Bench.Scenarios;

/// <summary>
/// Scenario 2, the sold-out storm: buyers keep coming after the last unit is gone (the sale from scenario 1, or
/// a small one sold out first). Shop should answer them from its in-process sold-out flag without touching
/// Redis; the baseline still takes the row lock for each. Afterwards the audit checks that no unit was sold
/// twice on the way.
/// </summary>
public static class SoldOutScenario
{
    public static async Task<ScenarioResult> RunAsync(BenchContext context, ISaleSystem system, SaleOutcome soldOutSale, SaleSpec sale,
        double rate, TimeSpan duration, CancellationToken cancellationToken)
    {
        var settings = new LoadSettings(rate, duration, context.Options.MaxInFlight, TimeSpan.FromSeconds(60));
        var traffic = new BuyTraffic(context.Http, system.Replicas, system.OrdersPath(soldOutSale.SaleId), context.Buyers,
            $"o{soldOutSale.SaleId.ToString("N")[..8]}", settings.Requests);
        context.Log($"sold-out storm on {system.Name}: {settings.Requests:N0} requests at {rate:N0}/s ...");
        var cpu = context.Meter($"sold-out storm ({system.Name}, {rate:N0}/s offered)");
        cpu.Start();
        var run = await new OpenLoopGenerator(settings).RunAsync(traffic.SendAsync, cancellationToken).ConfigureAwait(false);
        var shares = cpu.Stop();
        var accepted = soldOutSale.Accepted.Concat(traffic.Accepted()).ToList();
        var audit = await system.AuditAsync(soldOutSale.SaleId, sale.Units, sale.PerBuyerLimit, accepted, TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
        var result = ScenarioResult.From("sold-out storm", system.Name, $"buyers arriving at {rate:N0}/s for {duration.TotalSeconds:0.#} s after the sale sold out", run, traffic.Errors) with
        {
            Audit = audit,
            Cpu = shares,
            Parameters = new Dictionary<string, string> { ["saleId"] = soldOutSale.SaleId.ToString() },
        };
        context.Log(SaleScenario.Summary(result));
        return result;
    }

    /// <summary>When the storm runs on its own: a small sale, sold out at a modest rate first (not reported).</summary>
    public static Task<SaleOutcome> SellOutFirstAsync(BenchContext context, ISaleSystem system, CancellationToken cancellationToken) =>
        SaleScenario.RunAsync(context, system, new SaleSpec("sell-out (setup)", 200, 1, 1_000, TimeSpan.FromSeconds(0.5)), cancellationToken);
}
