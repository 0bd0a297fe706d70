using Shop.Bench.Reporting;

namespace Shop.Bench.Ceilings;

/// <summary>
/// Drives the bare Kestrel endpoint with the same generator, client and requests as the sale: once far above
/// what it can take (its throughput ceiling K; the in-flight bound is the connection pool, so the excess is
/// simply not sent), once at the sale's offered rate, and once at 2,000/s (F2k): the latency floors of
/// generator + HTTP on this box at those rates, which the sale's and the ramp's 2,000/s step's latencies are
/// judged against.
/// </summary>
public static class KestrelCeiling
{
    /// <summary>The low rate every latency floor is also measured at: the ramp's first step.</summary>
    public const double FloorRate = 2_000;

    public static async Task<(CeilingResult Ceiling, ScenarioResult Saturated, ScenarioResult AtSaleRate, ScenarioResult AtFloorRate)> RunAsync(
        BenchContext context, double saleRate, CancellationToken cancellationToken)
    {
        await using var kestrel = await BareKestrel.StartAsync(cancellationToken).ConfigureAwait(false);
        var duration = context.Options.CeilingDuration;
        var path = $"/api/flash-sales/{Guid.NewGuid()}/orders";

        async Task<ScenarioResult> DriveAsync(string name, double rate, int maxInFlight)
        {
            var settings = new LoadSettings(rate, duration, maxInFlight, TimeSpan.FromSeconds(10));
            var traffic = new BuyTraffic(context.Http, [kestrel.Address], path, context.Buyers, "c", settings.Requests);
            var cpu = context.Meter(name, ("bare kestrel", kestrel.Pid));
            cpu.Start();
            var run = await new OpenLoopGenerator(settings).RunAsync(traffic.SendAsync, cancellationToken).ConfigureAwait(false);
            var result = ScenarioResult.From(name, "bare-kestrel", $"bare Kestrel endpoint (same request, constant 202 JSON) at {rate:N0}/s offered", run, traffic.Errors)
                with { Cpu = cpu.Stop() };
            context.Log(Scenarios.SaleScenario.Summary(result));
            return result;
        }

        // Warm it up (JIT), then measure.
        _ = await DriveAsync("bare kestrel warm-up", Math.Min(5_000, saleRate), context.Options.MaxInFlight).ConfigureAwait(false);
        var saturated = await DriveAsync("bare kestrel, saturated", Math.Max(100_000, saleRate * 4), context.Http.ConnectionsPerServer * 2).ConfigureAwait(false);
        var atSaleRate = await DriveAsync("bare kestrel, at the sale's rate", saleRate, context.Options.MaxInFlight).ConfigureAwait(false);
        var atFloorRate = await DriveAsync("bare kestrel, at 2,000/s (F2k)", FloorRate, context.Options.MaxInFlight).ConfigureAwait(false);
        var ceiling = new CeilingResult("Bare Kestrel JSON endpoint", $"same generator and requests; {context.Http.ConnectionsPerServer} connections; offered {saturated.OfferedRate:N0}/s",
            saturated.AchievedRate, atSaleRate.All.P50Ms, atSaleRate.All.P99Ms);
        return (ceiling, saturated, atSaleRate, atFloorRate);
    }
}
