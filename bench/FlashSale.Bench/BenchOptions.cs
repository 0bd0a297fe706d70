using System.Globalization;

namespace Shop.Bench;

/// <summary>
/// What one benchmark run does. The defaults are the sale of docs/architecture.md, "The numbers Shop aims at":
/// 10,000 units, 100,000 buyers, 20,000 requests/s.
/// </summary>
public sealed record BenchOptions
{
    public static readonly string[] Scenarios = ["all", "sale", "soldout", "checkout", "catalog", "storefront", "ramp", "ceilings", "idle"];

    public string Scenario { get; init; } = "all";

    public bool Quick { get; init; }

    /// <summary>The sale's offered rate (requests/s) and how long buyers keep arriving.</summary>
    public double Rate { get; init; } = 20_000;

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(5);

    public int Units { get; init; } = 10_000;

    public int Buyers { get; init; } = 100_000;

    public int PerBuyerLimit { get; init; } = 1;

    public double SoldOutRate { get; init; } = 40_000;

    public TimeSpan SoldOutDuration { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Checkout requests offered per second and for how long. 5,600/s with a tenth of the baskets sent twice is
    /// ~5,090 new baskets/s: the first checkout target (5,000/s) with a margin for the random share of repeats;
    /// a full run offers at least 1.1 × L (bench/README.md, docs/benchmark-targets.md).
    /// </summary>
    public double CheckoutRate { get; init; } = 5_600;

    public TimeSpan CheckoutDuration { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>The hot items every basket is drawn from (1–5 of them per basket).</summary>
    public int CheckoutItems { get; init; } = 6;

    /// <summary>Units per item; null: <see cref="CheckoutStockShare"/> of the units the run's baskets ask of an item.</summary>
    public int? CheckoutStock { get; init; }

    /// <summary>Stock as a share of the demand: below 1, so every item runs out and baskets are refused while others still go through.</summary>
    public double CheckoutStockShare { get; init; } = 0.6;

    /// <summary>The share of checkouts sent twice with the same Idempotency-Key (a double click or a retry).</summary>
    public double CheckoutRepeatShare { get; init; } = 0.1;

    public double CatalogRate { get; init; } = 10_000;

    public TimeSpan CatalogDuration { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Anonymous page views offered to the storefront (the sale page, then the home page); raised to at least 1.1 × K.</summary>
    public double StorefrontRate { get; init; } = 20_000;

    public TimeSpan StorefrontDuration { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Buys through the storefront's <c>/bff</c> by signed-in shoppers, then the same on ordering-api directly.</summary>
    public double BffRate { get; init; } = 1_000;

    public TimeSpan BffDuration { get; init; } = TimeSpan.FromSeconds(3);

    public double RampStart { get; init; } = 2_000;

    public double RampStep { get; init; } = 2_000;

    public double RampMax { get; init; } = 60_000;

    public TimeSpan RampStepDuration { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan CeilingDuration { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>How long the app's CPU at rest is measured (scenario idle, part of all).</summary>
    public TimeSpan IdleDuration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Keep-alive connections per server (each API replica, catalog, the bare Kestrel).</summary>
    public int Connections { get; init; } = 64;

    /// <summary>Requests outstanding at most; a request due beyond it is not sent and counted as a generator overrun.</summary>
    public int MaxInFlight { get; init; } = 8192;

    /// <summary>The p99 the ramp holds the rate to (docs/architecture.md, "The numbers Shop aims at": 10 ms).</summary>
    public double RampP99Ms { get; init; } = 10;

    public AdmissionSettings Admission { get; init; } = new();

    public bool PgTestFsync { get; init; } = true;

    /// <summary>Samples the whole machine with perf during every measured load (needs perf; the .NET services get DOTNET_PerfMapEnabled=1).</summary>
    public bool Perf { get; init; }

    /// <summary>Experiments: ordering-api replicas instead of the AppHost's 2.</summary>
    public int? ApiReplicas { get; init; }

    /// <summary>Experiments: extra environment for ordering-api (e.g. DOTNET_gcServer=0).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ApiEnvironment { get; init; } = [];

    /// <summary>Experiments: extra environment for ordering-worker.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> WorkerEnvironment { get; init; } = [];

    /// <summary>Skips the baseline (for quick experiments on Shop alone).</summary>
    public bool NoBaseline { get; init; }

    /// <summary>
    /// The buyers' tokens signed RS256 with an RSA key of the bench's own (each API then checks an RSA signature per
    /// buy) instead of HS256 as identity-api signs each API's: for measuring what an asymmetric check would cost (docs/identity.md).
    /// Minting is slower (about a millisecond a token).
    /// </summary>
    public bool RsaBuyerTokens { get; init; }

    /// <summary>Results folder; default bench/results of the repository.</summary>
    public string? Output { get; init; }

    /// <summary>Whether this run includes <paramref name="scenario"/>: --scenario all, that name, or a comma-separated list naming it.</summary>
    public bool Runs(string scenario) => Scenario == "all" || Scenario.Split(',').Contains(scenario);

    /// <summary>A small run for trying things out: a few seconds of load at low rates.</summary>
    public static BenchOptions QuickDefaults => new()
    {
        Quick = true,
        Rate = 5_000,
        Duration = TimeSpan.FromSeconds(2),
        Units = 2_000,
        Buyers = 10_000,
        SoldOutRate = 10_000,
        SoldOutDuration = TimeSpan.FromSeconds(1.5),
        CheckoutRate = 1_500,
        CheckoutDuration = TimeSpan.FromSeconds(1.5),
        CatalogRate = 3_000,
        CatalogDuration = TimeSpan.FromSeconds(1.5),
        StorefrontRate = 2_000,
        StorefrontDuration = TimeSpan.FromSeconds(1.5),
        BffRate = 300,
        BffDuration = TimeSpan.FromSeconds(1.5),
        RampStart = 2_000,
        RampStep = 4_000,
        RampMax = 14_000,
        RampStepDuration = TimeSpan.FromSeconds(1),
        CeilingDuration = TimeSpan.FromSeconds(1),
        IdleDuration = TimeSpan.FromSeconds(3),
        PgTestFsync = false,
    };

    public static BenchOptions Parse(string[] args)
    {
        var options = args.Contains("--quick") ? QuickDefaults : new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            double Number() => double.Parse(Value(), CultureInfo.InvariantCulture);
            int Integer() => int.Parse(Value(), CultureInfo.InvariantCulture);
            options = args[i] switch
            {
                "--quick" => options,
                "--scenario" => options with { Scenario = Value() },
                "--rate" => options with { Rate = Number() },
                "--duration" => options with { Duration = TimeSpan.FromSeconds(Number()) },
                "--units" => options with { Units = Integer() },
                "--buyers" => options with { Buyers = Integer() },
                "--limit" => options with { PerBuyerLimit = Integer() },
                "--soldout-rate" => options with { SoldOutRate = Number() },
                "--soldout-duration" => options with { SoldOutDuration = TimeSpan.FromSeconds(Number()) },
                "--checkout-rate" => options with { CheckoutRate = Number() },
                "--checkout-duration" => options with { CheckoutDuration = TimeSpan.FromSeconds(Number()) },
                "--checkout-items" => options with { CheckoutItems = Integer() },
                "--checkout-stock" => options with { CheckoutStock = Integer() },
                "--checkout-stock-share" => options with { CheckoutStockShare = Number() },
                "--checkout-repeat" => options with { CheckoutRepeatShare = Number() },
                "--catalog-rate" => options with { CatalogRate = Number() },
                "--catalog-duration" => options with { CatalogDuration = TimeSpan.FromSeconds(Number()) },
                "--storefront-rate" => options with { StorefrontRate = Number() },
                "--storefront-duration" => options with { StorefrontDuration = TimeSpan.FromSeconds(Number()) },
                "--bff-rate" => options with { BffRate = Number() },
                "--bff-duration" => options with { BffDuration = TimeSpan.FromSeconds(Number()) },
                "--ramp-start" => options with { RampStart = Number() },
                "--ramp-step" => options with { RampStep = Number() },
                "--ramp-max" => options with { RampMax = Number() },
                "--ramp-step-duration" => options with { RampStepDuration = TimeSpan.FromSeconds(Number()) },
                "--ceiling-duration" => options with { CeilingDuration = TimeSpan.FromSeconds(Number()) },
                "--idle-duration" => options with { IdleDuration = TimeSpan.FromSeconds(Number()) },
                "--connections" => options with { Connections = Integer() },
                "--max-in-flight" => options with { MaxInFlight = Integer() },
                "--buyer-burst" => options with { Admission = options.Admission with { BuyerBurst = Integer() } },
                "--buyer-rate" => options with { Admission = options.Admission with { BuyerRequestsPerSecond = Integer() } },
                "--max-decisions" => options with { Admission = options.Admission with { MaxConcurrentDecisions = Integer() } },
                "--no-pg-test-fsync" => options with { PgTestFsync = false },
                "--perf" => options with { Perf = true },
                "--no-baseline" => options with { NoBaseline = true },
                "--rsa-tokens" => options with { RsaBuyerTokens = true },
                "--api-replicas" => options with { ApiReplicas = Integer() },
                "--api-env" => options with { ApiEnvironment = [.. options.ApiEnvironment, Pair(Value())] },
                "--worker-env" => options with { WorkerEnvironment = [.. options.WorkerEnvironment, Pair(Value())] },
                "--output" => options with { Output = Value() },
                _ => throw new ArgumentException($"Unknown argument '{args[i]}'. {Usage}"),
            };
        }
        static KeyValuePair<string, string> Pair(string text) => text.IndexOf('=', StringComparison.Ordinal) is var at and > 0
            ? new(text[..at], text[(at + 1)..])
            : throw new ArgumentException($"--api-env and --worker-env take NAME=VALUE, not '{text}'.");
        if (!options.Scenario.Split(',').All(Scenarios.Contains))
        {
            throw new ArgumentException($"--scenario must be one of {string.Join('|', Scenarios)}, or several of them separated by commas.");
        }
        // A basket lists each item once, and checkout takes at most 20 lines (docs/checkout.md).
        if (options.CheckoutItems is < 1 or > 20)
        {
            throw new ArgumentException("--checkout-items must be between 1 and 20.");
        }
        if (options.CheckoutStock is < 1 || options.CheckoutStockShare <= 0 || options.CheckoutRepeatShare is < 0 or > 1)
        {
            throw new ArgumentException("--checkout-stock must be at least 1, --checkout-stock-share above 0, --checkout-repeat between 0 and 1.");
        }
        return options;
    }

    public const string Usage = """
        FlashSale.Bench [--scenario all|sale|soldout|checkout|catalog|storefront|ramp|ceilings|idle] [--quick] [--rate R] [--duration S]
                        [--units N] [--buyers M] [--limit L] [--output DIR]
                        [--soldout-rate R] [--soldout-duration S] [--catalog-rate R] [--catalog-duration S]
                        [--storefront-rate R] [--storefront-duration S] [--bff-rate R] [--bff-duration S]
                        [--checkout-rate R] [--checkout-duration S] [--checkout-items N] [--checkout-stock N | --checkout-stock-share F] [--checkout-repeat F]
                        [--ramp-start R] [--ramp-step R] [--ramp-max R] [--ramp-step-duration S] [--ceiling-duration S] [--idle-duration S]
                        [--connections C] [--max-in-flight N] [--buyer-burst B] [--buyer-rate R] [--max-decisions N]
                        [--no-pg-test-fsync] [--perf] [--no-baseline] [--rsa-tokens] [--api-replicas N] [--api-env NAME=VALUE]... [--worker-env NAME=VALUE]...
        Starts a fresh Shop (the AppHost composition with random ports and its own data folder), runs the
        scenarios with an open-loop generator, audits the database, and writes bench/results/<date>-<scenario>.md/.json
        and bench/results/latest.md. --quick: a small run of a few seconds per scenario.
        FlashSale.Bench --render FILE.json             a saved report as markdown again, its targets computed anew
        FlashSale.Bench --compare A.json B.json ...     saved runs side by side, each figure a fraction of its own run's ceiling (an A/B)
        """;
}
