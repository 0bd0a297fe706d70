using System.Globalization;
using System.Text;

namespace Shop.Bench.Reporting;

/// <summary>The human-readable report: what was run, the targets, the ratios, then every number.</summary>
public static class MarkdownReport
{
    public static string Render(BenchReport report)
    {
        var md = new StringBuilder();
        void Line(string text = "") => md.Append(text).Append('\n');
        string F(double value, string format = "N0") => value.ToString(format, CultureInfo.InvariantCulture);
        string Ms(double value) => value < 10 ? F(value, "N2") : value < 100 ? F(value, "N1") : F(value, "N0");
        string NotSent(ScenarioResult s) => s.Scheduled == 0 ? "—" : $"{F(s.GeneratorOverruns)} ({F(100.0 * s.GeneratorOverruns / s.Scheduled, "N1")} %)";

        Line($"# {report.Title}");
        Line();
        Line($"Run {report.StartedAt:yyyy-MM-dd HH:mm} UTC, {F(report.TotalSeconds)} s in all: `{report.CommandLine}`.");
        Line($"Machine: {report.Machine.ProcessorCount} cores ({report.Machine.CpuModel}), {F(report.Machine.MemoryMegabytes)} MB, {report.Machine.Os}, "
            + $"{report.Machine.Runtime}; fsync {report.Machine.FsyncSummary}; load average at start {report.Machine.LoadAverageAtStart}.");
        Line("Everything — the generator, both API replicas, the worker, catalog, the storefront, the baseline's replicas, Redis, Postgres and RabbitMQ — runs on this one machine.");
        Line("Latencies are measured from each request's intended send time (open loop), in milliseconds.");
        Line();

        if (report.Targets.Count > 0)
        {
            Line("## Targets");
            Line();
            Line("Every target is a fraction of a ceiling measured in this run (docs/benchmark-targets.md): K = bare Kestrel saturated, "
                + "F2k = its p99 at 2,000/s, L = reserve.lua pipelined on the gate. 'computed from' names the fields of this report's JSON.");
            Line();
            Line("| target | measured | met | note | computed from |");
            Line("| --- | --- | --- | --- | --- |");
            foreach (var t in report.Targets)
            {
                var note = t.AgainstCeiling is null ? t.Note : $"{t.Note}; {t.AgainstCeiling}";
                Line($"| {t.Target} | {t.Measured} | {(t.Met is null ? "n/a" : t.Met.Value ? "yes" : "**no**")} | {note} | {(t.Field is null ? "—" : $"`{t.Field}`")} |");
            }
            Line();
        }
        if (report.Ratios.Count > 0)
        {
            Line("## Ratios");
            Line();
            Line("| comparison | ratio | numbers |");
            Line("| --- | --- | --- |");
            foreach (var r in report.Ratios)
            {
                Line($"| {r.Name} | {(r.IsFraction ? F(r.Value * 100, "N0") + " %" : ReportBuilder.Format(r.Value) + "×")} | {r.Meaning} |");
            }
            Line();
        }

        Line("## Scenarios");
        Line();
        Line("The percentiles are of the requests sent; 'not sent' is the share of scheduled requests the generator could not send "
            + "(the in-flight bound was reached: the excess of an offered rate above what the system takes), which a percentile never shows.");
        Line();
        Line("| scenario | system | offered/s | achieved/s | sent | not sent | p50 | p99 | p99.9 | max | send lag p99 |");
        Line("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var s in AllScenarios(report))
        {
            Line($"| {s.Name} | {s.System} | {F(s.OfferedRate)} | {F(s.AchievedRate)} | {F(s.Sent)} | {NotSent(s)} | {Ms(s.All.P50Ms)} | {Ms(s.All.P99Ms)} | "
                + $"{Ms(s.All.P999Ms)} | {Ms(s.All.MaxMs)} | {Ms(s.SendLag.P99Ms)} |");
        }
        Line();
        Line("### Per outcome");
        Line();
        Line("| scenario | system | outcome | count | per second | p50 | p99 | p99.9 | max |");
        Line("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var s in AllScenarios(report))
        {
            foreach (var (outcome, l) in s.Latency.Where(l => l.Key != "all"))
            {
                Line($"| {s.Name} | {s.System} | {outcome} | {F(l.Count)} | {F(l.RatePerSecond)} | {Ms(l.P50Ms)} | {Ms(l.P99Ms)} | {Ms(l.P999Ms)} | {Ms(l.MaxMs)} |");
            }
            if (s.GeneratorOverruns > 0)
            {
                Line($"| {s.Name} | {s.System} | generator-overrun | {F(s.GeneratorOverruns)} | | | | | |");
            }
        }
        var errors = AllScenarios(report).Where(s => s.Errors.Count > 0).ToList();
        if (errors.Count > 0)
        {
            Line();
            Line("Errors: " + string.Join("; ", errors.Select(s => $"{s.Name}/{s.System}: " + string.Join(", ", s.Errors.Select(e => $"{e.Key} ×{e.Value}")))));
        }
        Line();

        var sales = report.Scenarios.Where(s => s.Audit is not null).ToList();
        if (sales.Count > 0 || report.Ramp?.Audit is not null)
        {
            Line("## Sales: selling out, durability, audit");
            Line();
            Line("| scenario | system | stock | sold out after | last order durable after | durable after sell-out | accepted (202) | orders in db | units in db | oversell | duplicates | lost | unacknowledged | over limit | ledger agrees |");
            Line("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
            foreach (var s in sales)
            {
                AuditRow(s.Name, s.System, s.Audit!, s.TimeToSellOutMs, s.TimeToDurableMs, s.DurableAfterSellOutMs);
            }
            if (report.Ramp?.Audit is { } rampAudit)
            {
                AuditRow("ramp (all steps)", "shop", rampAudit, null, null, null);
            }
            Line();
            Line("Oversell = units in the database beyond the stock; duplicates = one order id answered to two requests or two rows for one (buyer, key); "
                + "lost = an order id answered 202 but not in the table once the pipeline drained; unacknowledged = a row whose request got no 202 (e.g. a timeout).");
            Line();
        }

        var checkouts = report.Scenarios.Where(s => s.Checkout is not null).ToList();
        if (checkouts.Count > 0)
        {
            md.Append(CheckoutSection.Render(checkouts));
        }

        void AuditRow(string name, string system, AuditResult a, double? sold, double? durable, double? lag) =>
            Line($"| {name} | {system} | {F(a.Stock)} | {(sold is { } x ? Ms(x) + " ms" : "—")} | {(durable is { } d ? Ms(d) + " ms" : "—")} | {(lag is { } l ? Ms(l) + " ms" : "—")} | "
                + $"{F(a.AcceptedOrders)} | {F(a.OrdersInDatabase)} | {F(a.UnitsInDatabase)} | {a.Oversell} | {a.Duplicates} | {a.Lost} | {a.Unacknowledged} | {a.BuyersOverLimit} | "
                + $"{(a.LedgerAgrees is null ? "—" : a.LedgerAgrees.Value ? "yes" : "**no**")}{(a.Drained ? "" : " (not drained before the deadline)")} |");

        if (report.Ramp is { } ramp)
        {
            Line("## Ramp");
            Line();
            Line($"Highest offered rate that held p99 ≤ {ramp.P99LimitMs} ms: **{(ramp.HighestRateHeld is { } h ? F(h) + "/s" : "none")}**; most buy decisions/s in a step: **{F(ramp.MaxDecisionRate)}/s**.");
            Line();
            Line("| offered/s | achieved/s | decisions/s | p50 | p99 | p99.9 | max | shed | errors | not sent | verdict |");
            Line("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
            foreach (var step in ramp.Steps)
            {
                var s = step.Result;
                Line($"| {F(step.OfferedRate)} | {F(s.AchievedRate)} | {F(s.DecisionRate)} | {Ms(s.All.P50Ms)} | {Ms(s.All.P99Ms)} | {Ms(s.All.P999Ms)} | {Ms(s.All.MaxMs)} | "
                    + $"{F(s.Count("shed"))} | {F(s.Count("error"))} | {NotSent(s)} | {step.Verdict} |");
            }
            Line();
        }

        if (report.Ceilings.Count > 0)
        {
            Line("## Ceilings (same machine, same run)");
            Line();
            Line("| ceiling | per second | p50 | p99 | how |");
            Line("| --- | --- | --- | --- | --- |");
            foreach (var c in report.Ceilings)
            {
                Line($"| {c.Name} | {F(c.RatePerSecond)} | {(c.P50Ms is { } p50 ? Ms(p50) : "—")} | {(c.P99Ms is { } p99 ? Ms(p99) : "—")} | {c.How} |");
            }
            Line();
        }

        var withCpu = AllScenarios(report).Where(s => s.Cpu.Count > 0).ToList();
        if (withCpu.Count > 0)
        {
            var parts = withCpu.SelectMany(s => s.Cpu.Select(c => c.Part)).Distinct().ToList();
            Line("## Where the CPU went (cores busy during the load, from /proc)");
            Line();
            Line("| scenario | system | " + string.Join(" | ", parts) + " |");
            Line("| --- | --- | " + string.Join(" | ", parts.Select(_ => "---")) + " |");
            foreach (var s in withCpu)
            {
                Line($"| {s.Name} | {s.System} | " + string.Join(" | ", parts.Select(p => s.Cpu.FirstOrDefault(c => c.Part == p) is { } c ? F(c.Cores, "N2") : "")) + " |");
            }
            Line();
            Line($"Each part is its processes' own CPU and that of the children they reaped during the load (a Postgres backend that ends moves into Postgres's figure), so the parts and '{ProcessCpu.RestOfMachine}' add up to '{ProcessCpu.MachineTotal}' (steal excluded; '{ProcessCpu.Steal}' is time the hypervisor did not give this machine). A negative '{ProcessCpu.RestOfMachine}' would mean the accounting is wrong.");
            Line();
            Line("### Per answer: CPU and context switches of the serving process(es)");
            Line();
            Line("CPU µs and context switches (all threads, from /proc/PID/task/*/status) per answered request; ordering-api serves Shop, baseline-api the baseline, "
                + "catalog-api the catalog, webfrontend the storefront's pages and its /bff buys, the bare Kestrel its ceiling. The worker's, Redis', Postgres' and RabbitMQ's CPU per answer shows what the pipeline behind the API costs (Postgres: the baseline's row lock and commit per order).");
            Line();
            Line("| scenario | system | answers/s | server CPU µs/answer | voluntary switches/answer | involuntary/answer | worker CPU µs/answer | gate (Redis) CPU µs/answer | Postgres CPU µs/answer | RabbitMQ CPU µs/answer |");
            Line("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
            foreach (var s in withCpu.Where(s => s.AchievedRate > 0))
            {
                var server = s.Cpu.FirstOrDefault(c => c.Part == s.ServingPart());
                string PerAnswer(string part) => s.Cpu.FirstOrDefault(c => c.Part == part) is { } c ? F(c.Cores * 1e6 / s.AchievedRate, "N1") : "—";
                Line($"| {s.Name} | {s.System} | {F(s.AchievedRate)} | {(s.ServerMicrosecondsPerAnswer() is { } us ? F(us, "N1") : "—")} | "
                    + $"{(server?.VoluntarySwitchesPerSecond is { } v ? F(v / s.AchievedRate, "N2") : "—")} | {(server?.InvoluntarySwitchesPerSecond is { } i ? F(i / s.AchievedRate, "N2") : "—")} | "
                    + $"{PerAnswer("ordering-worker")} | {PerAnswer("gate")} | {PerAnswer("postgres")} | {PerAnswer("messaging")} |");
            }
            Line();
        }

        if (report.IdleCpu.Count > 0)
        {
            Line($"## The app at rest ({F(report.IdleSeconds, "N0")} s with no load, after the warm-up)");
            Line();
            Line("CPU an idle Shop takes from a sale that starts: every resource's processes and their descendants, the benchmark itself, and the rest of the machine (DCP included).");
            Line();
            Line("| part | cores | voluntary switches/s | involuntary switches/s |");
            Line("| --- | --- | --- | --- |");
            foreach (var c in report.IdleCpu)
            {
                Line($"| {c.Part} | {F(c.Cores, "N3")} | {(c.VoluntarySwitchesPerSecond is { } v ? F(v) : "—")} | {(c.InvoluntarySwitchesPerSecond is { } i ? F(i) : "—")} |");
            }
            Line();
        }

        Line("## Settings");
        Line();
        foreach (var (key, value) in report.Settings)
        {
            Line($"- {key}: {value}");
        }
        if (report.Machine.PgTestFsync.Count > 0)
        {
            Line();
            Line("pg_test_fsync -s 1 (ops/sec):");
            Line();
            Line("```");
            foreach (var line in report.Machine.PgTestFsync)
            {
                Line(line);
            }
            Line("```");
        }
        if (report.Notes.Count > 0)
        {
            Line();
            Line("## Notes");
            Line();
            foreach (var note in report.Notes)
            {
                Line($"- {note}");
            }
        }
        return md.ToString();
    }

    private static IEnumerable<ScenarioResult> AllScenarios(BenchReport report) =>
        report.Scenarios.Concat(report.Ramp?.Steps.Select(s => s.Result) ?? []);
}
