using System.Globalization;
using Shop.Bench.Reporting;

namespace Shop.Bench.Scenarios;

/// <summary>
/// Scenario 4, the ramp: the offered rate of buy requests goes up step by step on one sale with more stock
/// than the ramp can sell (so every request is a full reservation — the most expensive decision — and the
/// worker carries the reservations from the gate's stream as it would in the first second of a sale). A step holds when
/// its p99 stays under the limit, every request was sent, almost nothing was shed or failed, and the
/// achieved rate kept up with the offered one. Between steps the pipeline is given time to persist what the
/// step reserved, so each step starts from a quiet backlog. The ramp ends after two steps in a row that did
/// not keep up (achieved &lt; 90 % of offered, or requests not sent), so that it finds both the highest rate
/// held and the most decisions per second.
/// </summary>
public static class RampScenario
{
    public static async Task<RampResult> RunAsync(BenchContext context, ISaleSystem system, CancellationToken cancellationToken)
    {
        var options = context.Options;
        var rates = new List<double>();
        for (var rate = options.RampStart; rate <= options.RampMax; rate += options.RampStep)
        {
            rates.Add(rate);
        }
        var units = (int)Math.Min(int.MaxValue / 2, rates.Sum(r => r * options.RampStepDuration.TotalSeconds) + 1000);
        const int Limit = 1_000_000;
        var saleId = await system.ArmAsync(units, Limit, cancellationToken).ConfigureAwait(false);
        var steps = new List<RampStep>();
        var accepted = new List<AcceptedOrder>();
        var failuresInARow = 0;
        var saturatedInARow = 0;
        foreach (var rate in rates)
        {
            var settings = new LoadSettings(rate, options.RampStepDuration, options.MaxInFlight, TimeSpan.FromSeconds(30));
            var traffic = new BuyTraffic(context.Http, system.Replicas, system.OrdersPath(saleId), context.Buyers,
                $"r{steps.Count}{saleId.ToString("N")[..8]}", settings.Requests);
            context.Log($"ramp step {steps.Count + 1}: {rate:N0}/s for {options.RampStepDuration.TotalSeconds:0.#} s ...");
            var cpu = context.Meter($"ramp {rate:N0}/s ({system.Name})");
            cpu.Start();
            var run = await new OpenLoopGenerator(settings).RunAsync(traffic.SendAsync, cancellationToken).ConfigureAwait(false);
            var shares = cpu.Stop();
            accepted.AddRange(traffic.Accepted());
            var result = ScenarioResult.From($"ramp {rate.ToString("N0", CultureInfo.InvariantCulture)}/s", system.Name,
                $"reservations at {rate:N0}/s for {options.RampStepDuration.TotalSeconds:0.#} s", run, traffic.Errors) with { Cpu = shares };
            var (held, verdict) = Judge(result, options.RampP99Ms);
            steps.Add(new RampStep(rate, result, held, verdict));
            context.Log(SaleScenario.Summary(result) + $" → {verdict}");
            failuresInARow = held ? 0 : failuresInARow + 1;
            // The ramp also has to find the most decisions per second, not only where p99 gives way: it goes on
            // past failed steps until two in a row no longer keep up with the offered rate (saturated).
            var saturated = result.AchievedRate < 0.9 * rate || result.GeneratorOverruns > 0;
            saturatedInARow = saturated ? saturatedInARow + 1 : 0;
            if (saturatedInARow >= 2 || failuresInARow >= 10)
            {
                break;
            }
            // Let the pipeline persist this step's reservations before the next one (bounded waits).
            await WaitForBacklogAsync(context, saleId, accepted.Count, cancellationToken).ConfigureAwait(false);
            await context.SettleAsync(cancellationToken, TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        var audit = await system.AuditAsync(saleId, units, Limit, accepted, TimeSpan.FromSeconds(90), cancellationToken).ConfigureAwait(false);
        var best = steps.Where(s => s.Held).Select(s => (double?)s.OfferedRate).Max();
        return new RampResult(steps, best, steps.Max(s => s.Result.DecisionRate), options.RampP99Ms, audit);
    }

    public static (bool Held, string Verdict) Judge(ScenarioResult step, double p99LimitMs)
    {
        var failedShare = (step.Count("error") + step.Count("shed") + step.GeneratorOverruns) / (double)Math.Max(1, step.Scheduled);
        if (step.All.P99Ms > p99LimitMs)
        {
            return (false, $"p99 {step.All.P99Ms:F1} ms > {p99LimitMs} ms");
        }
        if (failedShare > 0.001)
        {
            return (false, $"{failedShare:P2} shed, failed or not sent");
        }
        if (step.AchievedRate < 0.95 * step.OfferedRate)
        {
            return (false, $"achieved only {step.AchievedRate:N0}/s");
        }
        return (true, "held");
    }

    private static async Task WaitForBacklogAsync(BenchContext context, Guid saleId, long expected, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            await using var command = context.Shop.OrderingDb.CreateCommand("SELECT count(*) FROM orders WHERE stock_id = @s");
            command.Parameters.AddWithValue("s", saleId);
            var count = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
            if (count >= expected)
            {
                break;
            }
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
    }
}
