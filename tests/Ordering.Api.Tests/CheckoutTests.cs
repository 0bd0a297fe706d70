using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Shop.Ordering.Core;

namespace Shop.Ordering.Api.Tests;

/// <summary>
/// Basket checkout against the real servers (docs/checkout.md): all lines or none, one order durable exactly once,
/// the same answer for a repeated key, and an item's stock gated and kept like a flash sale's.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class CheckoutTests(PipelineFixture fixture)
{
    private CheckoutClient Checkout => new(fixture.Shop);

    [Fact]
    public async Task A_checkout_reserves_every_line_and_becomes_one_durable_order_with_its_lines()
    {
        var mug = await Checkout.NewItemAsync(stock: 5, price: 12.50m);
        var tea = await Checkout.NewItemAsync(stock: 8, price: 4.00m);

        var orderId = await Checkout.CheckoutAcceptedAsync("basket-buyer", "co-1", (mug, 2), (tea, 3));

        // The gate took the units at once; the ledger once the worker has persisted the order.
        Assert.Equal(3, await Checkout.GateAsync(mug, "stock"));
        Assert.Equal(5, await Checkout.GateAsync(tea, "stock"));
        var order = await Checkout.WaitForStatusAsync(orderId, "basket-buyer", "confirmed");
        Assert.Equal("checkout", order.GetProperty("kind").GetString());
        Assert.Equal(JsonValueKind.Null, order.GetProperty("saleId").ValueKind);
        Assert.Equal(5, order.GetProperty("quantity").GetInt32());
        Assert.Equal(37.00m, order.GetProperty("total").GetDecimal());
        var lines = order.GetProperty("lines").EnumerateArray().Select(l => (l.GetProperty("itemId").GetInt32(), l.GetProperty("quantity").GetInt32(), l.GetProperty("unitPrice").GetDecimal())).ToList();
        Assert.Equal([(mug, 2, 12.50m), (tea, 3, 4.00m)], lines);

        Assert.Equal(2, await fixture.Shop.ScalarAsync("SELECT count(*) FROM orders WHERE checkout_id = @c", ("c", orderId)));
        Assert.Equal(3, await Checkout.LedgerAsync(mug, "remaining"));
        Assert.Equal(5, await Checkout.LedgerAsync(tea, "remaining"));
        await Eventually.TrueAsync(async () => await Checkout.GateAsync(mug, "pending") == 0 && await Checkout.GateAsync(tea, "pending") == 0,
            "the gate told the lines are durable", TimeSpan.FromSeconds(30));
        await Checkout.AssertReconcilesAsync(mug);
        await Checkout.AssertReconcilesAsync(tea);

        // The same key again: the first answer, no second order; the same key for other lines: refused.
        using var again = await Checkout.CheckoutAsync("basket-buyer", "co-1", (mug, 2), (tea, 3));
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        Assert.Equal(orderId, (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("orderId").GetGuid());
        using var otherLines = await Checkout.CheckoutAsync("basket-buyer", "co-1", (mug, 1));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, otherLines.StatusCode);
        Assert.Equal(3, await Checkout.GateAsync(mug, "stock"));

        // My orders lists it; another buyer never sees it.
        var mine = await fixture.Shop.GetAsync<JsonElement>("/api/orders", fixture.Shop.Token("basket-buyer"));
        Assert.Contains(mine.EnumerateArray(), o => o.GetProperty("orderId").GetGuid() == orderId);
        using var theirs = await fixture.Shop.SendAsync(HttpMethod.Get, $"/api/orders/{orderId}", fixture.Shop.Token("someone-else"));
        Assert.Equal(HttpStatusCode.NotFound, theirs.StatusCode);
    }

    [Fact]
    public async Task A_short_line_refuses_the_whole_basket_names_the_line_and_holds_nothing()
    {
        var plenty = await Checkout.NewItemAsync(stock: 5);
        var scarce = await Checkout.NewItemAsync(stock: 1);

        using var response = await Checkout.CheckoutAsync("greedy", "short-1", (plenty, 2), (scarce, 2));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("urn:shop:problem:insufficient-stock", problem.GetProperty("type").GetString());
        var line = Assert.Single(problem.GetProperty("lines").EnumerateArray());
        Assert.Equal(scarce, line.GetProperty("itemId").GetInt32());
        Assert.Equal(2, line.GetProperty("requested").GetInt32());
        Assert.Equal(1, line.GetProperty("available").GetInt64());
        Assert.Equal("short", line.GetProperty("reason").GetString());
        Assert.Contains($"item {scarce}: 2 asked, 1 left", problem.GetProperty("detail").GetString());

        Assert.Equal(5, await Checkout.GateAsync(plenty, "stock"));
        Assert.Equal(1, await Checkout.GateAsync(scarce, "stock"));
        Assert.Equal(0, await Checkout.GateAsync(plenty, "pending"));
        Assert.Equal(0, await fixture.Shop.ScalarAsync("SELECT count(*) FROM orders WHERE buyer_id = 'greedy'"));
        // Refused is not remembered: the same key may check out what is there.
        Assert.NotEqual(Guid.Empty, await Checkout.CheckoutAcceptedAsync("greedy", "short-1", (plenty, 2), (scarce, 1)));
    }

    [Fact]
    public async Task Concurrent_checkouts_of_baskets_sharing_hot_items_never_oversell_and_persist_each_order_once()
    {
        const int Stock = 40;
        int[] hot = [await Checkout.NewItemAsync(Stock), await Checkout.NewItemAsync(Stock), await Checkout.NewItemAsync(Stock)];
        var random = new Random(11);
        var baskets = Enumerable.Range(0, 160).Select(i =>
        {
            var lines = hot.OrderBy(_ => random.Next()).Take(random.Next(1, 4)).Select(item => (item, random.Next(1, 4))).ToArray();
            return (Buyer: $"hot-{i}", Key: $"hot-key-{i}", Lines: lines);
        }).ToList();

        var accepted = new ConcurrentDictionary<string, Guid>();
        var refused = new ConcurrentBag<JsonElement>();
        var statuses = new ConcurrentBag<HttpStatusCode>();
        // Every basket is sent twice at once (a double click): the second is the first's answer, never a second order.
        await Parallel.ForEachAsync(baskets.Concat(baskets), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (basket, _) =>
        {
            using var response = await Checkout.CheckoutAsync(basket.Buyer, basket.Key, basket.Lines);
            statuses.Add(response.StatusCode);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                var orderId = body.GetProperty("orderId").GetGuid();
                Assert.Equal(orderId, accepted.GetOrAdd(basket.Key, orderId));
            }
            else
            {
                refused.Add(body);
            }
        });

        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.Accepted or HttpStatusCode.Conflict, $"unexpected {s}"));
        Assert.NotEmpty(refused);
        Assert.All(refused, p => Assert.NotEmpty(p.GetProperty("lines").EnumerateArray()));
        var wanted = baskets.Where(b => accepted.ContainsKey(b.Key)).SelectMany(b => b.Lines).GroupBy(l => l.Item1).ToDictionary(g => g.Key, g => g.Sum(l => l.Item2));

        // Every accepted order durable exactly once, with all of its lines; nothing else persisted.
        await Eventually.TrueAsync(async () => await fixture.Shop.ScalarAsync("SELECT count(DISTINCT checkout_id) FROM orders WHERE buyer_id LIKE 'hot-%'") == accepted.Count,
            "every accepted checkout persisted", TimeSpan.FromSeconds(60));
        Assert.Equal(baskets.Where(b => accepted.ContainsKey(b.Key)).Sum(b => b.Lines.Length),
            await fixture.Shop.ScalarAsync("SELECT count(*) FROM orders WHERE buyer_id LIKE 'hot-%'"));
        foreach (var item in hot)
        {
            var sold = await Checkout.SoldAsync(item);
            Assert.Equal(wanted.GetValueOrDefault(item), sold);
            Assert.True(sold <= Stock, $"item {item} oversold: {sold} of {Stock}");
            Assert.Equal(Stock - sold, await Checkout.LedgerAsync(item, "remaining"));
            Assert.Equal(Stock - sold, await Checkout.GateAsync(item, "stock"));
            await Checkout.AssertReconcilesAsync(item);
        }
        // The crowd emptied at least one hot item: the refusals were real shortages, not errors.
        Assert.Contains(hot, item => wanted.GetValueOrDefault(item) > Stock - 3);
    }

    [Fact]
    public async Task Cancelling_a_checkout_gives_every_line_back_once()
    {
        var a = await Checkout.NewItemAsync(stock: 4);
        var b = await Checkout.NewItemAsync(stock: 4);
        var orderId = await Checkout.CheckoutAcceptedAsync("undecided", "cancel-co", (a, 3), (b, 1));
        await Checkout.WaitForStatusAsync(orderId, "undecided", "confirmed");
        var token = fixture.Shop.Token("undecided");

        using var cancel = await fixture.Shop.SendAsync(HttpMethod.Post, $"/api/orders/{orderId}/cancel", token);
        using var cancelAgain = await fixture.Shop.SendAsync(HttpMethod.Post, $"/api/orders/{orderId}/cancel", token);
        using var pay = await fixture.Shop.SendAsync(HttpMethod.Post, $"/api/orders/{orderId}/pay", token);

        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        Assert.Equal("cancelled", (await cancel.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, cancelAgain.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, pay.StatusCode);
        Assert.Equal(2, await fixture.Shop.ScalarAsync("SELECT count(*) FROM orders WHERE checkout_id = @c AND status = 'Cancelled'", ("c", orderId)));
        await Eventually.TrueAsync(async () => await Checkout.GateAsync(a, "stock") == 4 && await Checkout.GateAsync(b, "stock") == 4,
            "both lines' units back in the gate", TimeSpan.FromSeconds(30));
        Assert.Equal(4, await Checkout.LedgerAsync(a, "remaining"));
        Assert.Equal(4, await Checkout.LedgerAsync(b, "remaining"));
        await Checkout.AssertReconcilesAsync(a);
        await Checkout.AssertReconcilesAsync(b);
    }

    [Fact]
    public async Task A_checkout_is_paid_as_a_whole()
    {
        var a = await Checkout.NewItemAsync(stock: 3);
        var b = await Checkout.NewItemAsync(stock: 3);
        var orderId = await Checkout.CheckoutAcceptedAsync("payer-co", "pay-co", (a, 1), (b, 2));
        await Checkout.WaitForStatusAsync(orderId, "payer-co", "confirmed");

        using var pay = await fixture.Shop.SendAsync(HttpMethod.Post, $"/api/orders/{orderId}/pay", fixture.Shop.Token("payer-co"));

        Assert.Equal(HttpStatusCode.OK, pay.StatusCode);
        Assert.Equal("paid", (await pay.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Equal(2, await fixture.Shop.ScalarAsync("SELECT count(*) FROM orders WHERE checkout_id = @c AND status = 'Paid' AND paid_at IS NOT NULL", ("c", orderId)));
    }

    [Fact]
    public async Task An_admins_new_stock_reaches_the_gate_and_the_ledger_without_taking_back_reserved_units()
    {
        var itemId = CheckoutClient.NewItemId();
        await Checkout.StockAsync(CheckoutClient.Item(itemId, stock: 5, version: 1, price: 3m));
        var orderId = await Checkout.CheckoutAcceptedAsync("early-bird", "restock-1", (itemId, 2));
        await Checkout.WaitForStatusAsync(orderId, "early-bird", "confirmed");

        // "From now on, 10 can be sold": the 2 sold stay sold.
        await Checkout.StockAsync(CheckoutClient.Item(itemId, stock: 10, version: 2, price: 3m));
        Assert.Equal(10, await Checkout.GateAsync(itemId, "stock"));
        Assert.Equal(10, await Checkout.LedgerAsync(itemId, "remaining"));
        Assert.Equal(12, await Checkout.LedgerAsync(itemId, "initial_quantity"));
        await Checkout.AssertReconcilesAsync(itemId);

        // A new price with the same stock version leaves the stock alone; the next checkout pays the new price.
        await Checkout.CheckoutAcceptedAsync("early-bird", "restock-2", (itemId, 1));
        await Checkout.StockAsync(CheckoutClient.Item(itemId, stock: 10, version: 3, stockVersion: 2, price: 4m));
        Assert.Equal(9, await Checkout.GateAsync(itemId, "stock"));
        var third = await Checkout.CheckoutAcceptedAsync("early-bird", "restock-3", (itemId, 1));
        Assert.Equal(4m, (await Checkout.WaitForStatusAsync(third, "early-bird", "confirmed")).GetProperty("total").GetDecimal());

        // The storefront's and catalog's figure.
        var level = await fixture.Shop.GetAsync<JsonElement>($"/api/stock/items/{itemId}", fixture.Shop.Token("anyone"));
        Assert.Equal(8, level.GetProperty("available").GetInt64());
        var all = await fixture.Shop.GetAsync<JsonElement>("/api/stock/items", fixture.Shop.Token("anyone"));
        Assert.Contains(all.EnumerateArray(), l => l.GetProperty("itemId").GetInt32() == itemId && l.GetProperty("available").GetInt64() == 8);

        // Deleted: nothing more is sold, and it leaves the stock list.
        await Checkout.StockAsync(CheckoutClient.Item(itemId, stock: 10, version: 4, stockVersion: 2, price: 4m, deleted: true));
        using var refused = await Checkout.CheckoutAsync("early-bird", "restock-4", (itemId, 1));
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("unavailable", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("lines")[0].GetProperty("reason").GetString());
        all = await fixture.Shop.GetAsync<JsonElement>("/api/stock/items", fixture.Shop.Token("anyone"));
        Assert.DoesNotContain(all.EnumerateArray(), l => l.GetProperty("itemId").GetInt32() == itemId);
        await Checkout.AssertReconcilesAsync(itemId);
    }

    [Fact]
    public async Task A_repeated_stock_announcement_is_applied_once()
    {
        var itemId = CheckoutClient.NewItemId();
        await Checkout.StockAsync(CheckoutClient.Item(itemId, stock: 6));
        await Checkout.CheckoutAcceptedAsync("repeat-buyer", "rep-1", (itemId, 2));
        var restock = CheckoutClient.Item(itemId, stock: 3, version: 2);

        await Checkout.StockAsync(restock);
        await fixture.Shop.PublishAsync(restock);
        await Checkout.StockAsync(CheckoutClient.Item(itemId, stock: 3, version: 3, stockVersion: 2));

        Assert.Equal(3, await Checkout.GateAsync(itemId, "stock"));
        await Eventually.TrueAsync(async () => await Checkout.LedgerAsync(itemId, "remaining") == 3, "the reserved units durable", TimeSpan.FromSeconds(30));
        Assert.Equal(5, await Checkout.LedgerAsync(itemId, "initial_quantity"));
        await Checkout.AssertReconcilesAsync(itemId);
    }
}
