using System.Globalization;

namespace Shop.Bench.Reporting;

/// <summary>
/// The numbers Shop aims at (docs/benchmark-targets.md), each a fraction of a ceiling measured in the same run, since
/// this machine's speed drifts 2–3× within a day: K (bare Kestrel saturated), F2k (its p99 at 2,000/s) and L
/// (<c>reserve.lua</c> pipelined on the gate). Every check names the fields of the report's JSON it is computed from,
/// so that a reader can recompute it.
/// </summary>
public static class Targets
{
    public const string KestrelField = "ceilings[name^=\"Bare Kestrel\"].ratePerSecond";
    public const string LuaField = "max(ceilings[name^=\"Redis\"].ratePerSecond)";
    public const string F2kField = "scenarios[system=\"bare-kestrel\", offeredRate=2000].latency.all.p99Ms";

    public static IReadOnlyList<TargetCheck> Check(IReadOnlyList<ScenarioResult> scenarios, RampResult? ramp, IReadOnlyList<CeilingResult> ceilings, MachineFacts? machine)
    {
        var k = CeilingResult.Kestrel(ceilings)?.RatePerSecond;
        var l = CeilingResult.Lua(ceilings)?.RatePerSecond;
        var f2k = scenarios.FirstOrDefault(s => s.System == "bare-kestrel" && Math.Abs(s.OfferedRate - Ceilings.KestrelCeiling.FloorRate) < 1)?.All.P99Ms;
        var sale = scenarios.FirstOrDefault(s => s.Name == "sale" && s.System == "shop");
        var baseSale = scenarios.FirstOrDefault(s => s.Name == "sale" && s.System == "baseline");
        var storm = scenarios.FirstOrDefault(s => s.Name == "sold-out storm" && s.System == "shop");
        var catalog = scenarios.FirstOrDefault(s => s.System == "catalog-api");
        var checkout = scenarios.FirstOrDefault(s => s.Checkout is not null);

        var targets = new List<TargetCheck>();
        if (ramp is not null)
        {
            var best = ramp.MaxDecisionRate;
            bool? met = AtLeast(best, 0.5, l) is { } byL && AtLeast(best, 0.3, k) is { } byK ? byL && byK : null;
            targets.Add(new TargetCheck("reservations/s (ramp best) ≥ 0.5 L and ≥ 0.3 K", $"{Of(best, l, "L")}; {(k is { } kk ? $"{best / kk:0.00} K" : "K not measured")}", met,
                "the best decisions/s of any ramp step", Field: $"ramp.maxDecisionRate ÷ {LuaField}, ÷ {KestrelField}"));
            if (ramp.Steps.FirstOrDefault(s => Math.Abs(s.OfferedRate - Ceilings.KestrelCeiling.FloorRate) < 1) is { } step)
            {
                var p99 = step.Result.All.P99Ms;
                var fsync = machine?.FsyncP99Microseconds / 1000.0;
                double? bound = f2k is { } floor && fsync is { } f ? floor + f + 2 : null;
                targets.Add(new TargetCheck("p99 of reservations at 2,000/s ≤ F2k + fsync p99 + 2 ms",
                    $"p99 {Ms(p99)} (p50 {Ms(step.Result.All.P50Ms)}, achieved {F(step.Result.AchievedRate)}/s)", bound is { } b ? p99 <= b : null,
                    bound is { } bb ? $"bound {Ms(bb)} = F2k {Ms(f2k!.Value)} + fsync p99 {Ms(fsync!.Value)} + 2 ms" : "F2k or the fsync p99 not measured",
                    Field: $"ramp.steps[offeredRate=2000].result.latency.all.p99Ms ≤ {F2kField} + machine.fsyncP99Microseconds / 1000 + 2"));
            }
        }
        else
        {
            targets.Add(NotMeasured("reservations/s (ramp best) ≥ 0.5 L and ≥ 0.3 K", "ramp"));
            targets.Add(NotMeasured("p99 of reservations at 2,000/s ≤ F2k + fsync p99 + 2 ms", "ramp"));
        }
        targets.Add(ShareOfK("sold-out answers/s ≥ 0.6 K", 0.6, storm, "sold-out", k, "soldout",
            "scenarios[name=\"sold-out storm\", system=\"shop\"].latency[\"sold-out\"].ratePerSecond"));
        targets.Add(ShareOfK("catalog reads/s ≥ 0.6 K", 0.6, catalog, "ok", k, "catalog", "scenarios[system=\"catalog-api\"].latency.ok.ratePerSecond"));
        if (checkout?.Checkout is { } figures)
        {
            var rate = figures.CheckoutsDecidedPerSecond;
            targets.Add(new TargetCheck("basket checkouts decided/s ≥ 0.25 L", Of(rate, l, "L") + $" at {F(checkout.OfferedRate)} requests/s offered", AtLeast(rate, 0.25, l),
                $"{F(figures.OrdersPerSecond)} accepted orders/s; p99 {Ms(checkout.All.P99Ms)}; {NotSent(checkout)}; judged on baskets decided (accepted or refused: the same all-or-nothing reservation)",
                Field: $"scenarios[checkout != null].checkout.checkoutsDecidedPerSecond ÷ {LuaField}"));
        }
        else
        {
            targets.Add(NotMeasured("basket checkouts decided/s ≥ 0.25 L", "checkout"));
        }
        // The storefront's anonymous page views; the buy through /bff is reported beside the API's, not judged.
        foreach (var (name, share, label) in new[] { (Scenarios.StorefrontScenario.SalePage, 0.5, "flash-sale page"), (Scenarios.StorefrontScenario.HomePage, 0.25, "home page") })
        {
            targets.Add(ShareOfK($"storefront {label} views/s ≥ {share:0.##} K (anonymous)", share,
                scenarios.FirstOrDefault(s => s.Name == name && s.System == "storefront"), "ok", k, "storefront",
                $"scenarios[name=\"{name}\", system=\"storefront\"].latency.ok.ratePerSecond"));
        }
        if (sale is not null)
        {
            var units = sale.Audit?.Stock ?? 0;
            var reservations = ramp?.MaxDecisionRate ?? sale.DecisionRate;
            var allowedMs = 1.2 * units / Math.Min(sale.OfferedRate, reservations) * 1000;
            bool? sold = sale.TimeToSellOutMs is { } s ? s <= allowedMs : units > 0 ? false : null;
            bool? durable = sale.DurableAfterSellOutMs is { } d ? d <= 3_000 : null;
            targets.Add(new TargetCheck($"{F(units)} units at {F(sale.OfferedRate)}/s offered: sold in ≤ 1.2 × units ÷ min(offered, reservations/s); durable ≤ 3 s after",
                $"sold in {(sale.TimeToSellOutMs is { } t ? Ms(t) : "— (did not sell out)")}, durable {(sale.DurableAfterSellOutMs is { } dd ? Ms(dd) : "n/a")} after",
                sold is { } a && durable is { } b2 ? a && b2 : sold == false || durable == false ? false : null,
                $"allowed {Ms(allowedMs)} (reservations/s {F(reservations)})",
                Field: "scenarios[name=\"sale\", system=\"shop\"].timeToSellOutMs ≤ 1.2 × audit.stock ÷ min(offeredRate, ramp.maxDecisionRate) × 1000; .durableAfterSellOutMs ≤ 3000"));
        }
        if (sale is not null && baseSale is not null && baseSale.DecisionRate > 0)
        {
            var times = (ramp?.MaxDecisionRate ?? sale.DecisionRate) / baseSale.DecisionRate;
            targets.Add(new TargetCheck("≥ 10× the textbook one-transaction-per-order path", $"{times:0.0}×", times >= 10,
                "Shop's best decisions/s ÷ the baseline's under the sale's load, same run",
                Field: "ramp.maxDecisionRate ÷ scenarios[name=\"sale\", system=\"baseline\"].decisionRate"));
        }
        return targets;
    }

    /// <summary>A storm's answers of one outcome per second against <paramref name="share"/> × K, or "not measured" when its scenario did not run.</summary>
    private static TargetCheck ShareOfK(string target, double share, ScenarioResult? storm, string outcome, double? k, string scenario, string field)
    {
        if (storm is null)
        {
            return NotMeasured(target, scenario);
        }
        var rate = storm.RateOf(outcome);
        return new TargetCheck(target, Of(rate, k, "K") + $" at {F(storm.OfferedRate)}/s offered", AtLeast(rate, share, k),
            $"p99 {Ms(storm.All.P99Ms)}; {NotSent(storm)}", Field: $"{field} ÷ {KestrelField}");
    }

    /// <summary>"R/s = f C (C c/s)": a rate and its fraction of a ceiling, or that the ceiling was not measured.</summary>
    private static string Of(double value, double? ceiling, string name) =>
        ceiling is { } c ? $"{F(value)}/s = {value / c:0.00} {name} ({name} {F(c)}/s)" : $"{F(value)}/s ({name} not measured)";

    private static bool? AtLeast(double value, double share, double? ceiling) => ceiling is { } c ? value >= share * c : null;

    private static TargetCheck NotMeasured(string target, string scenario) =>
        new(target, "not measured", null, $"the {scenario} scenario was not run (--scenario {scenario})");

    private static string NotSent(ScenarioResult s) =>
        s.Scheduled == 0 ? "nothing scheduled" : $"{100.0 * s.GeneratorOverruns / s.Scheduled:0.0} % not sent";

    private static string F(double value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Ms(double value) => value.ToString(value < 10 ? "N2" : value < 100 ? "N1" : "N0", CultureInfo.InvariantCulture) + " ms";
}
