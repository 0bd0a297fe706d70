using System.Globalization;
using Shop.Bench.Checkout;
using Shop.Bench.Reporting;

namespace Shop.Bench.Scenarios;

/// <summary>A checkout run: baskets arriving at a rate for a while over a few hot items.</summary>
/// <param name="Stock">Units per item; null: <paramref name="StockShare"/> of the units the baskets ask of an item.</param>
public sealed record CheckoutSpec(string Name, double Rate, TimeSpan Duration, int Items, int? Stock, double StockShare, double RepeatShare);

/// <summary>
/// Scenario: the everyday shop's basket checkout (docs/architecture.md, "One inventory model"; docs/checkout.md) under
/// load. A few hot items get a limited stock the production way (CatalogItemChanged on RabbitMQ, armed by the worker);
/// buyers from the pool, each with their own token, check out baskets of 1–5 of those items (1–3 units a line) at an
/// open-loop rate, one Idempotency-Key per checkout, a share of them sent twice (double click or retry). Once an item
/// runs short every basket asking for it is refused whole (409 insufficient-stock) while smaller baskets still go
/// through. Measures every answer from its intended send time, then audits orderingdb per item and per checkout
/// (oversell, ledger, duplicates, lost, incomplete, refused baskets persisted, repeats answered alike).
/// </summary>
public static class CheckoutScenario
{
    public static async Task<ScenarioResult> RunAsync(BenchContext context, CheckoutSpec spec, CancellationToken cancellationToken)
    {
        var settings = new LoadSettings(spec.Rate, spec.Duration, context.Options.MaxInFlight, TimeSpan.FromSeconds(60));
        var items = ItemStocker.NewItemIds(spec.Items);
        var buyers = context.Buyers;
        var plan = BasketPlan.Create(new BasketPlanSettings(settings.Requests, items, $"k{items[0]}", RepeatShare: spec.RepeatShare,
            // Retries come up to a quarter of a second after the first send.
            FarGap: (int)Math.Max(5, spec.Rate / 4), Seed: items[0]), n => buyers.BuyerOf(n), buyers.Id);
        var stock = spec.Stock ?? plan.StockFor(spec.StockShare);
        var stockRule = spec.Stock is null ? $"{spec.StockShare:P0} of the mean units the run's baskets ask of an item" : "--checkout-stock";
        await ItemStocker.StockAsync(context.Shop, items, stock, cancellationToken).ConfigureAwait(false);

        var traffic = new CheckoutTraffic(context.Http, context.Shop.OrderingReplicas, plan, buyers);
        context.Log($"{spec.Name}: {items.Count} items {items[0]}–{items[^1]} × {stock:N0} units, {plan.Attempts.Count:N0} baskets ({plan.AttemptsSentTwice:N0} sent twice) "
            + $"in {settings.Requests:N0} requests at {spec.Rate:N0}/s from {Math.Min(plan.Attempts.Count, buyers.Count):N0} buyers ...");
        var cpu = context.Meter($"{spec.Name} ({spec.Rate:N0}/s offered)");
        cpu.Start();
        var run = await new OpenLoopGenerator(settings).RunAsync(traffic.SendAsync, cancellationToken).ConfigureAwait(false);
        var shares = cpu.Stop();

        var audit = await CheckoutLedger.AuditAsync(context.Shop.OrderingDb, plan, traffic.Answers(), stock, TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
        DateTimeOffset? lastAccepted = traffic.LastAcceptedTimestamp > 0 ? run.WallClock(traffic.LastAcceptedTimestamp) : null;
        var seconds = run.Elapsed.TotalSeconds;
        var figures = new CheckoutFigures
        {
            ItemIds = items,
            StockPerItem = stock,
            StockRule = stockRule,
            MeanLines = plan.Attempts.Average(a => a.Lines.Count),
            MeanUnits = plan.Attempts.Average(a => a.Units),
            CheckoutsDecidedPerSecond = (audit.AcceptedOrders + audit.RefusedBaskets) / seconds,
            OrdersPerSecond = audit.AcceptedOrders / seconds,
            TimeToLastAcceptMs = (lastAccepted - run.StartedAt)?.TotalMilliseconds,
            TimeToDurableMs = (audit.LastDurableAt - run.StartedAt)?.TotalMilliseconds,
            DurableAfterLastAcceptMs = (audit.LastDurableAt - lastAccepted)?.TotalMilliseconds is { } lag ? Math.Max(0, lag) : null,
            Audit = audit,
        };
        var result = ScenarioResult.From(spec.Name, "shop",
            $"baskets of 1–5 of {items.Count} hot items ({stock:N0} units each), {spec.RepeatShare:P0} sent twice, arriving at {spec.Rate:N0}/s for {spec.Duration.TotalSeconds:0.#} s",
            run, traffic.Errors) with
        {
            TimeToDurableMs = figures.TimeToDurableMs,
            Cpu = shares,
            Checkout = figures,
            Parameters = new Dictionary<string, string>
            {
                ["items"] = string.Join(',', items.Select(i => i.ToString(CultureInfo.InvariantCulture))),
                ["stockPerItem"] = stock.ToString(CultureInfo.InvariantCulture),
                ["baskets"] = plan.Attempts.Count.ToString(CultureInfo.InvariantCulture),
                ["basketsSentTwice"] = plan.AttemptsSentTwice.ToString(CultureInfo.InvariantCulture),
            },
        };
        context.Log(Summary(result));
        return result;
    }

    public static string Summary(ScenarioResult r)
    {
        var c = r.Checkout!;
        var a = c.Audit;
        return SaleScenario.Summary(r)
            + $"; checkouts decided {c.CheckoutsDecidedPerSecond:N0}/s, accepted orders {c.OrdersPerSecond:N0}/s ({a.AcceptedOrders:N0} accepted, {a.RefusedBaskets:N0} refused)"
            + (c.TimeToDurableMs is { } durable ? $", last line durable at {durable:N0} ms" : "")
            + $"; checkout audit: oversell {a.Oversell}, duplicates {a.Duplicates}, lost {a.Lost}, incomplete {a.Incomplete}, refused persisted {a.RefusedPersisted}, "
            + $"repeats of {a.AttemptsSentTwice}: same order {a.RepeatsSameOrder}, both refused {a.RepeatsBothRefused}, diverged {a.RepeatsDiverged}, unacknowledged {a.Unacknowledged}, ledger agrees {(a.LedgerAgrees ? "yes" : "NO")}"
            + (a.Drained ? "" : " (not drained before the deadline)");
    }
}
