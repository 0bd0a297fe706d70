using System.Diagnostics;
using System.Globalization;
using Shop.Bench.Ceilings;
using Shop.Bench.Checkout;
using Shop.Bench.Reporting;
using Shop.Bench.Scenarios;

namespace Shop.Bench;

/// <summary>
/// One benchmark run, start to finish: machine facts, a fresh Shop, buyers' tokens, a warm-up, then the chosen
/// scenarios (ceilings, the sale and its baseline, the sold-out storm and its baseline, the basket checkout, the
/// catalog reads, the ramp), the comparisons, and the report files. The app is stopped at the end, also when the run is cancelled.
/// </summary>
public static class BenchRunner
{
    public static async Task<BenchReport> RunAsync(BenchOptions options, string commandLine, CancellationToken cancellationToken)
    {
        var startedAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        void Log(string message) => Console.WriteLine($"[{clock.Elapsed:mm\\:ss}] {message}");

        var machine = await MachineFacts.MeasureAsync(options.PgTestFsync, Log, cancellationToken).ConfigureAwait(false);
        await using var shop = await BenchedShop.StartAsync(options.Admission, Log, cancellationToken, perfMaps: options.Perf, rsaTokens: options.RsaBuyerTokens,
            apiReplicas: options.ApiReplicas, apiEnvironment: options.ApiEnvironment, workerEnvironment: options.WorkerEnvironment).ConfigureAwait(false);
        Log($"Shop is up: ordering-api replicas {string.Join(", ", shop.OrderingReplicas)}, catalog-api {shop.Catalog}; "
            + $"the bench's {BaselineComposition.Resource} replicas {string.Join(", ", shop.BaselineReplicas)}");
        Log($"minting {options.Buyers:N0} buyers' tokens ...");
        var buyers = BuyerPool.Create(options.Buyers, shop.SigningKey);
        using var http = new LoadHttpClient(options.Connections);
        var context = new BenchContext(shop, buyers, http, options, Log);
        var shopSystem = new ShopSystem(shop);
        var baseline = new BaselineRun(shop);

        var scenarios = new List<ScenarioResult>();
        var ceilings = new List<CeilingResult>();
        var notes = new List<string>();
        RampResult? ramp = null;

        await WarmUpAsync(context, shopSystem, baseline, cancellationToken).ConfigureAwait(false);
        context.ProfileFromNowOn();

        IReadOnlyList<CpuShare> idleCpu = [];
        if (options.Runs("idle"))
        {
            // What the app costs with nothing to do: CPU a sale that starts does not get.
            await context.SettleAsync(cancellationToken).ConfigureAwait(false);
            context.Log($"the app at rest for {options.IdleDuration.TotalSeconds:N0} s ...");
            var cpu = context.Cpu();
            cpu.Start();
            await Task.Delay(options.IdleDuration, cancellationToken).ConfigureAwait(false);
            idleCpu = cpu.Stop();
            context.Log("at rest: " + string.Join(", ", idleCpu.Select(c => $"{c.Part} {c.Cores:F3}")));
        }

        if (options.Runs("ceilings"))
        {
            var (kestrel, saturated, atSaleRate, atFloorRate) = await KestrelCeiling.RunAsync(context, options.Rate, cancellationToken).ConfigureAwait(false);
            ceilings.Add(kestrel);
            scenarios.Add(saturated);
            scenarios.Add(atSaleRate);
            scenarios.Add(atFloorRate);
            ceilings.AddRange(await RedisLuaCeiling.MeasureAsync(await shop.ConnectionStringAsync("gate", cancellationToken).ConfigureAwait(false),
                options.CeilingDuration, Log, cancellationToken).ConfigureAwait(false));
        }

        // A storm measures capacity only when it is offered at least what the ceiling it is compared with can take:
        // the catalog and the sold-out storm against bare Kestrel (K), the checkout against reserve.lua alone (L).
        (options, var raised) = StormRates.AtLeastTheCeilings(options, ceilings);
        notes.AddRange(raised);

        var sale = new SaleSpec("sale", options.Units, options.PerBuyerLimit, options.Rate, options.Duration);
        SaleOutcome? shopSale = null, baselineSale = null;
        if (options.Runs("sale"))
        {
            await context.SettleAsync(cancellationToken).ConfigureAwait(false);
            shopSale = await SaleScenario.RunAsync(context, shopSystem, sale, cancellationToken).ConfigureAwait(false);
            scenarios.Add(shopSale.Result);
            if (!options.NoBaseline)
            {
                await context.SettleAsync(cancellationToken).ConfigureAwait(false);
                baselineSale = await SaleScenario.RunAsync(context, baseline, sale, cancellationToken).ConfigureAwait(false);
                scenarios.Add(baselineSale.Result);
            }
        }
        if (options.Runs("soldout"))
        {
            var soldOut = shopSale ?? await SoldOutScenario.SellOutFirstAsync(context, shopSystem, cancellationToken).ConfigureAwait(false);
            await context.SettleAsync(cancellationToken).ConfigureAwait(false);
            scenarios.Add(await SoldOutScenario.RunAsync(context, shopSystem, soldOut, shopSale is null ? SetupSpec(soldOut) : sale,
                options.SoldOutRate, options.SoldOutDuration, cancellationToken).ConfigureAwait(false));
            if (!options.NoBaseline)
            {
                var baseSoldOut = baselineSale ?? await SoldOutScenario.SellOutFirstAsync(context, baseline, cancellationToken).ConfigureAwait(false);
                await context.SettleAsync(cancellationToken).ConfigureAwait(false);
                scenarios.Add(await SoldOutScenario.RunAsync(context, baseline, baseSoldOut, baselineSale is null ? SetupSpec(baseSoldOut) : sale,
                    options.SoldOutRate, options.SoldOutDuration, cancellationToken).ConfigureAwait(false));
            }
        }
        if (options.Runs("checkout"))
        {
            await context.SettleAsync(cancellationToken).ConfigureAwait(false);
            var checkout = new CheckoutSpec("checkout", options.CheckoutRate, options.CheckoutDuration, options.CheckoutItems, options.CheckoutStock,
                options.CheckoutStockShare, options.CheckoutRepeatShare);
            scenarios.Add(await CheckoutScenario.RunAsync(context, checkout, cancellationToken).ConfigureAwait(false));
        }
        if (options.Runs("catalog"))
        {
            await context.SettleAsync(cancellationToken).ConfigureAwait(false);
            scenarios.Add(await CatalogScenario.RunAsync(context, options.CatalogRate, options.CatalogDuration, cancellationToken).ConfigureAwait(false));
        }
        if (options.Runs("storefront"))
        {
            await context.SettleAsync(cancellationToken).ConfigureAwait(false);
            scenarios.AddRange(await StorefrontScenario.RunAsync(context, options, cancellationToken).ConfigureAwait(false));
        }
        if (options.Runs("ramp"))
        {
            await context.SettleAsync(cancellationToken).ConfigureAwait(false);
            ramp = await RampScenario.RunAsync(context, shopSystem, cancellationToken).ConfigureAwait(false);
        }

        var (ratios, targets) = ReportBuilder.Compare(scenarios, ramp, ceilings, machine);
        notes.AddRange(StandardNotes(options));
        var folder = options.Output ?? ReportWriter.DefaultFolder();
        Directory.CreateDirectory(folder);
        if (await context.WriteProfilesAsync(Path.Combine(folder, $"{startedAt:yyyy-MM-dd}-{options.Scenario.Replace(',', '+')}-perf.md"),
                $"perf profiles, run of {startedAt:yyyy-MM-dd HH:mm} UTC: the whole machine during each measured load", cancellationToken).ConfigureAwait(false) is { } profiles)
        {
            notes.Add($"perf profiles of every measured load (the whole machine, a section each): {Path.GetFileName(profiles)}");
            Log($"perf profiles written to {profiles}");
        }
        return new BenchReport
        {
            Title = $"Flash-sale benchmark — {options.Scenario}{(options.Quick ? " (quick)" : "")}",
            StartedAt = startedAt,
            TotalSeconds = clock.Elapsed.TotalSeconds,
            CommandLine = commandLine,
            Machine = machine,
            Settings = Settings(options, shop),
            Scenarios = scenarios,
            Ramp = ramp,
            Ceilings = ceilings,
            Ratios = ratios,
            Targets = targets,
            Notes = notes,
            IdleCpu = idleCpu,
            IdleSeconds = options.IdleDuration.TotalSeconds,
        };
    }

    private static SaleSpec SetupSpec(SaleOutcome outcome) =>
        new("sell-out (setup)", outcome.Result.Audit?.Stock ?? 0, outcome.Result.Audit?.PerBuyerLimit ?? 1, 0, TimeSpan.Zero);

    /// <summary>
    /// A shop is running long before a sale: JIT, connection pools and caches are warm. Each path gets a couple
    /// of seconds of traffic (a sale that sells out, so reserving and sold-out answers; the baseline; catalog
    /// reads), then the run waits until the services are quiet — in rounds, until a round leaves the tiered JIT
    /// nothing more to do. One round is not enough: a hot method goes tier 0 → instrumented tier 0 → tier 1, and
    /// .NET delays call counting while other methods are still being compiled, so after a single short warm-up
    /// the hottest methods (the buy endpoint, token validation, the Redis client) were measured still at
    /// instrumented tier 0 and recompiled during the sale, taking ~30 % of the API's CPU.
    /// </summary>
    private static async Task WarmUpAsync(BenchContext context, ShopSystem shop, BaselineRun baseline, CancellationToken cancellationToken)
    {
        var rate = Math.Min(5_000, context.Options.Rate);
        var services = new[] { "ordering-api", "ordering-worker", "catalog-api", BaselineComposition.Resource }.SelectMany(context.Shop.Pids).ToList();
        for (var round = 1; round <= 6; round++)
        {
            context.Log($"warm-up round {round} (not measured) ...");
            var jitBefore = ProcessCpu.TieredCompilationSeconds(services);
            await SaleScenario.RunAsync(context, shop, new SaleSpec("warm-up", (int)(rate * 0.75), 1, rate, TimeSpan.FromSeconds(2)), cancellationToken).ConfigureAwait(false);
            if (round <= 2)
            {
                await SaleScenario.RunAsync(context, baseline, new SaleSpec("warm-up", 200, 1, 500, TimeSpan.FromSeconds(1)), cancellationToken).ConfigureAwait(false);
            }
            if (context.Options.Runs("checkout"))
            {
                // The checkout endpoint, checkout.lua and the worker's checkout lines have their own hot methods.
                var options = context.Options;
                await CheckoutScenario.RunAsync(context, new CheckoutSpec("warm-up checkout", Math.Min(1_000, options.CheckoutRate), TimeSpan.FromSeconds(1),
                    options.CheckoutItems, null, options.CheckoutStockShare, options.CheckoutRepeatShare), cancellationToken).ConfigureAwait(false);
            }
            if (context.Options.Runs("catalog"))
            {
                await CatalogScenario.RunAsync(context, Math.Min(2_000, context.Options.CatalogRate), TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            }
            if (context.Options.Runs("storefront"))
            {
                await StorefrontScenario.WarmUpViewsAsync(context, cancellationToken).ConfigureAwait(false);
            }
            await context.SettleAsync(cancellationToken, TimeSpan.FromSeconds(60)).ConfigureAwait(false);
            var jit = ProcessCpu.TieredCompilationSeconds(services) - jitBefore;
            context.Log($"warm-up round {round}: the services' tiered JIT used {jit:F2} s of CPU");
            if (round >= 2 && jit < 0.25)
            {
                break;
            }
        }
    }

    private static Dictionary<string, string> Settings(BenchOptions options, BenchedShop shop)
    {
        string I(double value) => value.ToString("N0", CultureInfo.InvariantCulture);
        return new Dictionary<string, string>
        {
            ["scenario"] = options.Scenario + (options.Quick ? " (quick)" : ""),
            ["sale"] = $"{I(options.Units)} units, limit {options.PerBuyerLimit} per buyer, {I(options.Rate)} requests/s for {options.Duration.TotalSeconds} s, 1 unit per request",
            ["buyers"] = $"{I(options.Buyers)} distinct buyers, each with their own token ({(options.RsaBuyerTokens ? "RS256, an experiment" : "HS256, as identity-api signs each API's")}, the bench's own test key, Identity:TestSigningKey); request i comes from the (i mod {I(options.Buyers)})-th buyer of a shuffled order",
            ["sold-out storm"] = $"{I(options.SoldOutRate)}/s for {options.SoldOutDuration.TotalSeconds} s",
            ["checkout"] = $"{options.CheckoutItems} hot items (ids from {I(ItemStocker.FirstItemId)}, stocked by publishing CatalogItemChanged on shop.events as Catalog does, armed by ordering-worker), "
                + (options.CheckoutStock is { } stock ? $"{I(stock)} units each" : $"stock {options.CheckoutStockShare:P0} of the units the run's baskets ask of an item")
                + $"; baskets of 1–5 distinct items × 1–3 units, one Idempotency-Key each, {options.CheckoutRepeatShare:P0} sent twice with the same key (half 1–4 requests later, half up to 0.25 s later); "
                + $"{I(options.CheckoutRate)} requests/s (new checkouts and their repeats) for {options.CheckoutDuration.TotalSeconds} s; checkout i comes from the (i mod {I(options.Buyers)})-th buyer",
            ["catalog read storm"] = $"{I(options.CatalogRate)}/s for {options.CatalogDuration.TotalSeconds} s",
            ["storefront"] = $"anonymous GETs of a flash-sale page and of the home page, {I(options.StorefrontRate)}/s for {options.StorefrontDuration.TotalSeconds} s each; "
                + $"buys through /bff by shoppers signed in with the storefront's form, then the same buys on ordering-api with tokens for the same shoppers, {I(options.BffRate)}/s for {options.BffDuration.TotalSeconds} s each",
            ["ramp"] = $"{I(options.RampStart)}/s to {I(options.RampMax)}/s in steps of {I(options.RampStep)}/s, {options.RampStepDuration.TotalSeconds} s each; holds while p99 ≤ {options.RampP99Ms} ms",
            ["generator"] = $"open loop, latency from the intended send time; {options.Connections} keep-alive HTTP/1.1 connections per server on loopback; at most {I(options.MaxInFlight)} requests in flight (beyond: generator-overrun); API replicas addressed directly, round-robin per request",
            ["ordering-api admission (Ordering:Admission)"] = $"BuyerBurst {shop.Admission.BuyerBurst}, BuyerRequestsPerSecond {shop.Admission.BuyerRequestsPerSecond}, MaxConcurrentDecisions {shop.Admission.MaxConcurrentDecisions} (Shop's defaults unless overridden)",
            ["composition"] = $"the AppHost's own ({shop.OrderingReplicas.Count} ordering-api replicas, 1 worker, catalog-api, webfrontend, Redis gate (AOF appendfsync always, noeviction; the reserve.lua ceiling runs on it too), Redis cache, Postgres, RabbitMQ), environment {shop.Environment}; "
                + $"added by the bench: {BaselineComposition.Resource} (bench/Baseline.Api, the baseline, {shop.BaselineReplicas.Count} replicas) and its {BaselineComposition.Database} on the same Postgres"
                + (options.ApiReplicas is null && options.ApiEnvironment.Count == 0 && options.WorkerEnvironment.Count == 0 ? "" : "; EXPERIMENT: "
                    + (options.ApiReplicas is { } r ? $"{r} ordering-api replica(s); " : "")
                    + (options.ApiEnvironment.Count > 0 ? string.Join(' ', options.ApiEnvironment.Select(e => $"{e.Key}={e.Value}")) + " on ordering-api; " : "")
                    + (options.WorkerEnvironment.Count > 0 ? string.Join(' ', options.WorkerEnvironment.Select(e => $"{e.Key}={e.Value}")) + " on ordering-worker" : ""))
                + (options.Perf ? "; profiled (perf on the whole machine during each measured load; DOTNET_PerfMapEnabled=1 and W^X off on every .NET service)" : ""),
        };
    }

    private static IEnumerable<string> StandardNotes(BenchOptions options)
    {
        yield return "The generator shares the 2 cores with every service: its own CPU (the 'bench' column) is taken from what the services could use, for Shop, the baseline and the ceilings alike.";
        yield return "The bare-Kestrel ceiling is Kestrel plus this generator: a faster client on another machine would find a higher one.";
        yield return "Time to sell out runs from the first intended send to the 202 that took the last unit; durable times come from the orders' own timestamps (confirmed_at is set when the worker's batch transaction starts; the audit's polling confirms within ~20 ms).";
        if (options.Quick)
        {
            yield return "Quick run: small numbers for trying things out, not comparable with docs/benchmark-targets.md.";
        }
    }
}
