using System.Net.Http.Json;
using System.Text.Json;
using Shop.Bench.Reporting;
using Shop.Bench.Storefront;

namespace Shop.Bench.Scenarios;

/// <summary>
/// The path a shopper's click really takes, through the storefront (webfrontend): anonymous views of a flash-sale
/// page (output-cached, the same for everyone) and of the home page, each offered at least the bare-Kestrel ceiling;
/// then buys through <c>/bff</c> by a pool of shoppers signed in with the storefront's own form (their session
/// cookies, the client header the page script sends), and the very same buys on ordering-api directly with tokens
/// for the same shoppers, at the same rate: the storefront's share of a buy's cost, side by side.
/// </summary>
public static class StorefrontScenario
{
    public const string SalePage = "storefront sale page";
    public const string HomePage = "storefront home page";
    public const string BffBuys = "buy through /bff";
    public const string ApiBuys = "buy on ordering-api";

    /// <param name="options">The run's options with the rates raised to the ceilings (<see cref="Ceilings.StormRates"/>), not the context's as parsed.</param>
    public static async Task<IReadOnlyList<ScenarioResult>> RunAsync(BenchContext context, BenchOptions options, CancellationToken cancellationToken)
    {
        var storefront = context.Shop.Storefront;
        var results = new List<ScenarioResult>();

        var salePath = await CatalogSalePathAsync(context.Shop.Catalog, cancellationToken).ConfigureAwait(false);
        results.Add(await ViewsAsync(context, SalePage, salePath, options.StorefrontRate, options.StorefrontDuration, cancellationToken).ConfigureAwait(false));
        await context.SettleAsync(cancellationToken).ConfigureAwait(false);
        results.Add(await ViewsAsync(context, HomePage, "/", options.StorefrontRate, options.StorefrontDuration, cancellationToken).ConfigureAwait(false));

        var shoppers = await StorefrontShoppers.SignInAsync(context.Shop,
            StorefrontShoppers.Needed(options.BffRate, options.BffDuration, context.Shop.Admission), context.Log, cancellationToken).ConfigureAwait(false);
        var viaApi = shoppers.WithTokens(context.Shop.SigningKey);
        IReadOnlyList<KeyValuePair<string, string>> clientHeader = [new("X-Shop-Client", "bench")];
        Func<Guid, string> bffPath = id => $"/bff/flash-sales/{id}/orders", apiPath = id => $"/api/flash-sales/{id}/orders";
        // The storefront's buy path has methods of its own to compile (not reported): a little of each first.
        var warmUp = options with { BffRate = Math.Min(300, options.BffRate), BffDuration = TimeSpan.FromSeconds(1) };
        await BuysAsync(context, warmUp, "warm-up", "storefront", [storefront], bffPath, shoppers, clientHeader, cancellationToken).ConfigureAwait(false);
        await BuysAsync(context, warmUp, "warm-up", "shop", context.Shop.OrderingReplicas, apiPath, viaApi, [], cancellationToken).ConfigureAwait(false);

        await context.SettleAsync(cancellationToken).ConfigureAwait(false);
        results.Add(await BuysAsync(context, options, BffBuys, "storefront", [storefront], bffPath, shoppers, clientHeader, cancellationToken).ConfigureAwait(false));
        await context.SettleAsync(cancellationToken).ConfigureAwait(false);
        results.Add(await BuysAsync(context, options, ApiBuys, "shop", context.Shop.OrderingReplicas, apiPath, viaApi, [], cancellationToken).ConfigureAwait(false));
        return results;
    }

    /// <summary>A second of each page at a modest rate, for the warm-up rounds (not reported).</summary>
    public static async Task WarmUpViewsAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var rate = Math.Min(2_000, context.Options.StorefrontRate);
        await ViewsAsync(context, "warm-up", await CatalogSalePathAsync(context.Shop.Catalog, cancellationToken).ConfigureAwait(false), rate, TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
        await ViewsAsync(context, "warm-up", "/", rate, TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Anonymous GETs of one storefront page, no cookies (a visitor who follows a link).</summary>
    private static async Task<ScenarioResult> ViewsAsync(BenchContext context, string name, string path, double rate, TimeSpan duration, CancellationToken cancellationToken)
    {
        var settings = new LoadSettings(rate, duration, context.Options.MaxInFlight, TimeSpan.FromSeconds(30));
        var traffic = new ReadTraffic(context.Http, context.Shop.Storefront, [path]);
        context.Log($"{name}: {settings.Requests:N0} anonymous GET {path} at {rate:N0}/s ...");
        var cpu = context.Meter($"{name} (storefront, anonymous GET {path}, {rate:N0}/s offered)");
        cpu.Start();
        var run = await new OpenLoopGenerator(settings).RunAsync(traffic.SendAsync, cancellationToken).ConfigureAwait(false);
        var result = ScenarioResult.From(name, "storefront", $"anonymous GET {path} at {rate:N0}/s for {duration.TotalSeconds:0.#} s", run, traffic.Errors) with
        {
            Cpu = cpu.Stop(),
            Parameters = new Dictionary<string, string> { ["path"] = path },
        };
        context.Log(SaleScenario.Summary(result));
        return result;
    }

    /// <summary>
    /// Reservations of one unit each on a sale of its own (stock and per-buyer limit beyond what the run can buy,
    /// so every request is a full reservation), then the audit, as the ramp does.
    /// </summary>
    private static async Task<ScenarioResult> BuysAsync(BenchContext context, BenchOptions options, string name, string system, IReadOnlyList<Uri> servers,
        Func<Guid, string> path, BuyerPool shoppers, IReadOnlyList<KeyValuePair<string, string>> headers, CancellationToken cancellationToken)
    {
        const int Limit = 1_000_000;
        var settings = new LoadSettings(options.BffRate, options.BffDuration, options.MaxInFlight, TimeSpan.FromSeconds(60));
        var units = (int)settings.Requests * 2;
        var saleId = await context.Shop.ArmSaleAsync(units, Limit, cancellationToken).ConfigureAwait(false);
        var traffic = new BuyTraffic(context.Http, servers, path(saleId), shoppers, $"f{saleId.ToString("N")[..8]}", settings.Requests, headers: headers);
        context.Log($"{name}: {settings.Requests:N0} buys at {options.BffRate:N0}/s by {shoppers.Count:N0} signed-in shoppers ...");
        var cpu = context.Meter($"{name} ({system}, {options.BffRate:N0}/s offered)");
        cpu.Start();
        var run = await new OpenLoopGenerator(settings).RunAsync(traffic.SendAsync, cancellationToken).ConfigureAwait(false);
        var shares = cpu.Stop();
        var audit = await new ShopSystem(context.Shop).AuditAsync(saleId, units, Limit, [.. traffic.Accepted()], TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
        var result = ScenarioResult.From(name, system,
            $"one-unit reservations at {options.BffRate:N0}/s for {options.BffDuration.TotalSeconds:0.#} s by {shoppers.Count:N0} shoppers", run, traffic.Errors) with
        {
            Audit = audit,
            Cpu = shares,
            Parameters = new Dictionary<string, string> { ["saleId"] = saleId.ToString(), ["shoppers"] = shoppers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        };
        context.Log(SaleScenario.Summary(result));
        return result;
    }

    /// <summary>The page of a sale the catalog lists (the demo sales it seeds): a bench sale armed in Ordering only has no page.</summary>
    private static async Task<string> CatalogSalePathAsync(Uri catalog, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = catalog, Timeout = TimeSpan.FromSeconds(30) };
        var sales = await client.GetFromJsonAsync<JsonElement>("/api/flash-sales", cancellationToken).ConfigureAwait(false);
        var list = sales.ValueKind == JsonValueKind.Array ? sales : sales.TryGetProperty("data", out var data) ? data : default;
        if (list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
        {
            throw new InvalidOperationException("The catalog lists no flash sale: the storefront scenario needs the demo sales (Catalog:Seed:DemoSales).");
        }
        return $"/sales/{list[0].GetProperty("id").GetString()}";
    }
}
