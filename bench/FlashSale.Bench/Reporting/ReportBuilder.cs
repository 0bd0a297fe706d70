using System.Globalization;

namespace Shop.Bench.Reporting;

/// <summary>Turns the measurements into comparisons: Shop against the baseline, against the ceilings, and against its targets (<see cref="Targets"/>).</summary>
public static class ReportBuilder
{
    public static (IReadOnlyList<Ratio> Ratios, IReadOnlyList<TargetCheck> Targets) Compare(
        IReadOnlyList<ScenarioResult> scenarios, RampResult? ramp, IReadOnlyList<CeilingResult> ceilings, MachineFacts? machine = null)
    {
        var ratios = new List<Ratio>();
        var targets = new List<TargetCheck>();
        var shopSale = scenarios.FirstOrDefault(s => s.Name == "sale" && s.System == "shop");
        var baseSale = scenarios.FirstOrDefault(s => s.Name == "sale" && s.System == "baseline");
        var shopStorm = scenarios.FirstOrDefault(s => s.Name == "sold-out storm" && s.System == "shop");
        var baseStorm = scenarios.FirstOrDefault(s => s.Name == "sold-out storm" && s.System == "baseline");
        var catalog = scenarios.FirstOrDefault(s => s.System == "catalog-api");
        var checkout = scenarios.FirstOrDefault(s => s.Checkout is not null);
        var kestrel = CeilingResult.Kestrel(ceilings);
        var redisPipelined = CeilingResult.Lua(ceilings);
        var redisSingle = ceilings.FirstOrDefault(c => c.Name.Contains("one call at a time", StringComparison.Ordinal));

        // Shop against the baseline.
        if (shopSale is not null && baseSale is not null)
        {
            ratios.Add(new Ratio("sale: buy decisions/s, Shop ÷ baseline (same offered rate)", Divide(shopSale.DecisionRate, baseSale.DecisionRate),
                $"{shopSale.DecisionRate:N0}/s vs {baseSale.DecisionRate:N0}/s at {shopSale.OfferedRate:N0}/s offered (Shop's is capped by the offered rate)"));
            ratios.Add(new Ratio("sale: p99 latency, baseline ÷ Shop", Divide(baseSale.All.P99Ms, shopSale.All.P99Ms),
                $"{baseSale.All.P99Ms:N1} ms vs {shopSale.All.P99Ms:N2} ms"));
            if (shopSale.TimeToSellOutMs is { } shopSold && baseSale.TimeToSellOutMs is { } baseSold)
            {
                ratios.Add(new Ratio("sale: time to sell out, baseline ÷ Shop", baseSold / shopSold, $"{baseSold:N0} ms vs {shopSold:N0} ms"));
            }
            else
            {
                ratios.Add(new Ratio("sale: units sold, Shop ÷ baseline", Divide(shopSale.Count("reserved"), baseSale.Count("reserved")),
                    $"{shopSale.Count("reserved"):N0} vs {baseSale.Count("reserved"):N0} units sold while buyers were arriving (the baseline did not sell out)"));
            }
            var shopCapacity = ramp?.MaxDecisionRate ?? shopSale.DecisionRate;
            ratios.Add(new Ratio("capacity: buy decisions/s, Shop (ramp max) ÷ baseline (under the same overload)", Divide(shopCapacity, baseSale.DecisionRate),
                $"{shopCapacity:N0}/s vs {baseSale.DecisionRate:N0}/s"));
        }
        if (shopStorm is not null && baseStorm is not null)
        {
            ratios.Add(new Ratio("sold-out storm: sold-out answers/s, Shop ÷ baseline", Divide(shopStorm.RateOf("sold-out"), baseStorm.RateOf("sold-out")),
                $"{shopStorm.RateOf("sold-out"):N0}/s vs {baseStorm.RateOf("sold-out"):N0}/s at {shopStorm.OfferedRate:N0}/s offered"));
        }

        // Shop against the ceilings.
        if (kestrel is not null)
        {
            if (ramp is not null)
            {
                ratios.Add(new Ratio("ramp max buy decisions/s ÷ bare Kestrel ceiling", Divide(ramp.MaxDecisionRate, kestrel.RatePerSecond),
                    $"{ramp.MaxDecisionRate:N0}/s of {kestrel.RatePerSecond:N0}/s", IsFraction: true));
            }
            if (shopStorm is not null)
            {
                ratios.Add(new Ratio("sold-out answers/s ÷ bare Kestrel ceiling", Divide(shopStorm.RateOf("sold-out"), kestrel.RatePerSecond),
                    $"{shopStorm.RateOf("sold-out"):N0}/s of {kestrel.RatePerSecond:N0}/s", IsFraction: true));
            }
            if (checkout?.Checkout is { } figures)
            {
                ratios.Add(new Ratio("checkouts decided/s ÷ bare Kestrel ceiling", Divide(figures.CheckoutsDecidedPerSecond, kestrel.RatePerSecond),
                    $"{figures.CheckoutsDecidedPerSecond:N0}/s of {kestrel.RatePerSecond:N0}/s (at {checkout.OfferedRate:N0}/s offered)", IsFraction: true));
            }
            if (catalog is not null)
            {
                ratios.Add(new Ratio("catalog reads/s ÷ bare Kestrel ceiling", Divide(catalog.RateOf("ok"), kestrel.RatePerSecond),
                    $"{catalog.RateOf("ok"):N0}/s of {kestrel.RatePerSecond:N0}/s (at {catalog.OfferedRate:N0}/s offered)", IsFraction: true));
            }
            foreach (var views in scenarios.Where(s => s.Name is Scenarios.StorefrontScenario.SalePage or Scenarios.StorefrontScenario.HomePage))
            {
                ratios.Add(new Ratio($"{views.Name} views/s ÷ bare Kestrel ceiling", Divide(views.RateOf("ok"), kestrel.RatePerSecond),
                    $"{views.RateOf("ok"):N0}/s of {kestrel.RatePerSecond:N0}/s (at {views.OfferedRate:N0}/s offered)", IsFraction: true));
            }
            if (shopSale is not null && kestrel.P99Ms is { } floor)
            {
                ratios.Add(new Ratio("sale p99 ÷ bare Kestrel p99 at the same offered rate", Divide(shopSale.All.P99Ms, floor),
                    $"{shopSale.All.P99Ms:N2} ms vs {floor:N2} ms"));
            }
        }
        if (redisPipelined is not null && ramp is not null)
        {
            ratios.Add(new Ratio("ramp max buy decisions/s ÷ reserve.lua alone (best pipelined)", Divide(ramp.MaxDecisionRate, redisPipelined.RatePerSecond),
                $"{ramp.MaxDecisionRate:N0}/s of {redisPipelined.RatePerSecond:N0}/s ({redisPipelined.Name})", IsFraction: true));
        }
        if (redisPipelined is not null && checkout?.Checkout is { } checkoutFigures)
        {
            ratios.Add(new Ratio("checkouts decided/s ÷ reserve.lua alone (best pipelined)", Divide(checkoutFigures.CheckoutsDecidedPerSecond, redisPipelined.RatePerSecond),
                $"{checkoutFigures.CheckoutsDecidedPerSecond:N0}/s of {redisPipelined.RatePerSecond:N0}/s (checkout.lua reserves up to 5 lines in one call: a heavier script than reserve.lua)", IsFraction: true));
        }
        if (redisSingle is not null && ramp is not null)
        {
            ratios.Add(new Ratio("ramp max buy decisions/s ÷ reserve.lua one call at a time", Divide(ramp.MaxDecisionRate, redisSingle.RatePerSecond),
                $"{ramp.MaxDecisionRate:N0}/s of {redisSingle.RatePerSecond:N0}/s", IsFraction: true));
        }

        if (scenarios.FirstOrDefault(s => s.Name == Scenarios.StorefrontScenario.BffBuys) is { } bff
            && scenarios.FirstOrDefault(s => s.Name == Scenarios.StorefrontScenario.ApiBuys) is { } api)
        {
            ratios.Add(new Ratio("buy through /bff ÷ buy on ordering-api: p99 (same shoppers, same rate)", Divide(bff.All.P99Ms, api.All.P99Ms),
                $"{bff.All.P99Ms:N2} ms vs {api.All.P99Ms:N2} ms (p50 {bff.All.P50Ms:N2} vs {api.All.P50Ms:N2} ms; decisions {bff.DecisionRate:N0}/s vs {api.DecisionRate:N0}/s at {bff.OfferedRate:N0}/s offered)"));
        }

        // The targets, each a fraction of a ceiling of the same run (docs/benchmark-targets.md).
        targets.AddRange(Targets.Check(scenarios, ramp, ceilings, machine));
        var audited = scenarios.Where(s => s.Audit is not null)
            .Select(s => new Audited(s.Name + "/" + s.System, s.Audit!.Oversell, s.Audit.Duplicates, s.Audit.Lost, $"{s.Audit.OrdersInDatabase:N0} orders"))
            .ToList();
        if (ramp?.Audit is { } rampAudit)
        {
            audited.Add(new Audited("ramp/shop", rampAudit.Oversell, rampAudit.Duplicates, rampAudit.Lost, $"{rampAudit.OrdersInDatabase:N0} orders"));
        }
        foreach (var s in scenarios.Where(s => s.Checkout is not null))
        {
            // A checkout persisted without all its lines, or a refused basket persisted, is as wrong as a lost or a duplicate order.
            var a = s.Checkout!.Audit;
            audited.Add(new Audited(s.Name + "/" + s.System, a.Oversell, a.Duplicates + a.RefusedPersisted, a.Lost + a.Incomplete,
                $"{a.CheckoutsInDatabase:N0} checkouts in {a.LinesInDatabase:N0} lines" + (a.LedgerAgrees ? "" : ", a ledger DISAGREES") + (a.RepeatsDiverged > 0 ? $", {a.RepeatsDiverged} repeats answered differently" : ""),
                a.LedgerAgrees && a.RepeatsDiverged == 0));
        }
        if (audited.Count > 0)
        {
            var oversell = audited.Sum(a => a.Oversell);
            var duplicates = audited.Sum(a => a.Duplicates);
            var lost = audited.Sum(a => a.Lost);
            targets.Add(new TargetCheck("zero oversell, zero duplicate orders, zero lost reservations",
                $"oversell {oversell}, duplicates {duplicates}, lost {lost} over {audited.Count} audited runs",
                oversell == 0 && duplicates == 0 && lost == 0 && audited.All(a => a.OtherwiseClean), string.Join("; ", audited.Select(a => $"{a.Name}: {a.Held}")),
                Field: "scenarios[].audit.{oversell, duplicates, lost}, ramp.audit, scenarios[].checkout.audit"));
        }
        return (ratios, targets);
    }

    private sealed record Audited(string Name, long Oversell, long Duplicates, long Lost, string Held, bool OtherwiseClean = true);

    private static double Divide(double a, double b) => b == 0 ? double.PositiveInfinity : a / b;

    public static string Format(double value) => double.IsInfinity(value) ? "∞" : value.ToString(value >= 100 ? "N0" : value >= 10 ? "N1" : "N2", CultureInfo.InvariantCulture);
}
