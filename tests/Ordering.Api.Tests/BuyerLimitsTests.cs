using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Shop.Ordering.Core;
using Shop.Ordering.Core.Redis;
using Shop.ServiceDefaults.Problems;
using Shop.Testing;
using StackExchange.Redis;

namespace Shop.Ordering.Api.Tests;

/// <summary>
/// The gate's limits against hoarding and a full Redis, enforced by reserve.lua and checkout.lua (docs/ordering.md,
/// "Limits"): a buyer's open unpaid orders and units, the retention of what grows with use, the soft memory limit.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class BuyerLimitsTests(PipelineFixture fixture)
{
    private ShopTestClient Shop => fixture.Shop;

    [Fact]
    public async Task A_buyer_at_the_open_orders_cap_is_refused_with_a_problem_that_says_so_until_an_order_is_paid_or_cancelled()
    {
        var max = new OrderingOptions().MaxOpenOrders;
        var saleId = await Shop.ArmSaleAsync(100, perBuyerLimit: 50);
        var orders = new List<Guid>();
        for (var i = 0; i < max; i++)
        {
            orders.Add(await AcceptedAsync(await Shop.BuyAsync(saleId, "hoarder", $"hoard-{i}")));
        }

        using var refused = await Shop.BuyAsync(saleId, "hoarder", "hoard-over");
        await AssertOpenOrdersProblemAsync(refused, $"You have {max} unpaid order(s), the most one buyer may hold open ({max})");
        // A retry of an accepted key still gets its first answer (it takes nothing new), and the checkout path counts the same orders.
        Assert.Equal(orders[0], await AcceptedAsync(await Shop.BuyAsync(saleId, "hoarder", "hoard-0")));
        var checkout = new CheckoutClient(Shop);
        var item = await checkout.NewItemAsync(10);
        using var refusedCheckout = await checkout.CheckoutAsync("hoarder", "hoard-basket", (item, 1));
        await AssertOpenOrdersProblemAsync(refusedCheckout, "unpaid order(s)");
        // Nothing was taken by the refusals.
        Assert.Equal(100 - max, (long)await (await Shop.RedisAsync()).HashGetAsync(GateKeys.Stock(saleId), "stock"));
        Assert.Equal(10, await checkout.GateAsync(item, "stock"));

        // Paying one and cancelling another makes room for two: the API tells the gate at once.
        var token = Shop.Token("hoarder");
        await Eventually.TrueAsync(async () => (await Shop.GetAsync<JsonElement>($"/api/orders/{orders[1]}", token)).GetProperty("status").GetString() == "confirmed",
            "the orders confirmed", TimeSpan.FromSeconds(30));
        using (var pay = await Shop.SendAsync(HttpMethod.Post, $"/api/orders/{orders[0]}/pay", token))
        using (var cancel = await Shop.SendAsync(HttpMethod.Post, $"/api/orders/{orders[1]}/cancel", token))
        {
            Assert.Equal(HttpStatusCode.OK, pay.StatusCode);
            Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        }
        await AcceptedAsync(await Shop.BuyAsync(saleId, "hoarder", "hoard-after-paying"));
        await checkout.CheckoutAcceptedAsync("hoarder", "hoard-basket-after-cancelling", (item, 1));
        using var full = await Shop.BuyAsync(saleId, "hoarder", "hoard-over-again");
        Assert.Equal(HttpStatusCode.Conflict, full.StatusCode);
    }

    [Fact]
    public async Task The_units_cap_counts_every_open_order_and_lapsed_orders_stop_counting()
    {
        var redis = await Shop.RedisAsync();
        var saleId = await Shop.ArmSaleAsync(100, perBuyerLimit: 50);
        var clock = new MovableClock(DateTimeOffset.UtcNow);
        // The gate's scripts with caps of 4 units, through the one client every service uses.
        var gate = new GateClient(redis.Multiplexer, Options.Create(new OrderingOptions { MaxOpenUnits = 4 }), clock);

        Assert.Equal(ReservationOutcome.Accepted, (await gate.ReserveAsync(saleId, "unit-hoarder", "u-1", 3)).Outcome);
        var over = await gate.ReserveAsync(saleId, "unit-hoarder", "u-2", 2);
        Assert.Equal(ReservationOutcome.OpenOrdersCap, over.Outcome);
        Assert.Equal(new OpenOrdersCap(1, 3, 10, 4), over.Cap);
        Assert.Contains("You hold 3 unit(s) in unpaid orders; with these 2 you would pass the most one buyer may hold open (4)", over.Cap!.Detail(2), StringComparison.Ordinal);
        Assert.Equal(ReservationOutcome.Accepted, (await gate.ReserveAsync(saleId, "unit-hoarder", "u-3", 1)).Outcome);

        // Past its payment deadline (payment timeout + slack) an open order no longer counts, and the next reservation drops it.
        clock.Now += new OrderingOptions().PaymentTimeout + GateClient.OpenOrderSlack + TimeSpan.FromSeconds(1);
        Assert.Empty(await gate.OpenOrdersAsync("unit-hoarder"));
        Assert.Equal(ReservationOutcome.Accepted, (await gate.ReserveAsync(saleId, "unit-hoarder", "u-4", 4)).Outcome);
        Assert.Equal(1, await redis.HashLengthAsync(GateKeys.BuyerOpenOrders("unit-hoarder")));
        // The hash lives until the last deadline, no longer.
        var expires = await redis.KeyExpireTimeAsync(GateKeys.BuyerOpenOrders("unit-hoarder"));
        Assert.NotNull(expires);
        Assert.InRange(expires!.Value, DateTime.UtcNow, clock.Now.UtcDateTime + new OrderingOptions().PaymentTimeout + GateClient.OpenOrderSlack + TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task What_grows_with_use_is_kept_for_a_bounded_time_and_a_repeated_key_still_gets_its_first_answer()
    {
        var redis = await Shop.RedisAsync();
        var endsAt = DateTimeOffset.UtcNow.AddHours(1);
        var saleId = await Shop.ArmSaleAsync(10, perBuyerLimit: 2, endsAt: endsAt);
        var orderId = await AcceptedAsync(await Shop.BuyAsync(saleId, "kept-buyer", "kept-1"));

        // Answers and holdings: until the sale's end plus the retention (the order's own hash: the retention).
        var keptUntil = endsAt + new OrderingOptions().ReservationRetention;
        foreach (var key in new[] { GateKeys.Answers(saleId), GateKeys.Buyers(saleId) })
        {
            var expires = await redis.KeyExpireTimeAsync(key);
            Assert.NotNull(expires);
            Assert.InRange(expires!.Value, keptUntil.UtcDateTime.AddSeconds(-2), keptUntil.UtcDateTime.AddSeconds(2));
        }
        Assert.NotNull(await redis.KeyExpireTimeAsync(GateKeys.Order(orderId)));
        Assert.Equal(orderId, await AcceptedAsync(await Shop.BuyAsync(saleId, "kept-buyer", "kept-1")));

        // A buyer's checkout answers: past 50, the ones older than the retention go when the next checkout is stored.
        var checkouts = GateKeys.BuyerCheckouts("kept-buyer");
        var old = Guid.CreateVersion7(DateTimeOffset.UtcNow - new OrderingOptions().ReservationRetention - TimeSpan.FromHours(1));
        await redis.HashSetAsync(checkouts, [.. Enumerable.Range(0, 50).Select(i => new HashEntry($"old-{i}", $"{old:N}|1:1"))]);
        var checkout = new CheckoutClient(Shop);
        var item = await checkout.NewItemAsync(5);
        var checkoutId = await checkout.CheckoutAcceptedAsync("kept-buyer", "kept-basket", (item, 1));
        var kept = await redis.HashGetAllAsync(checkouts);
        Assert.Equal([$"kept-basket"], kept.Select(e => (string)e.Name!));
        Assert.StartsWith($"{checkoutId:N}|", (string?)kept[0].Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Over_its_soft_memory_limit_the_gate_refuses_new_reservations_with_503_while_a_confirmation_still_succeeds()
    {
        var shop = fixture.App;
        var saleId = await Shop.ArmSaleAsync(10, perBuyerLimit: 2);
        var checkout = new CheckoutClient(Shop);
        var item = await checkout.NewItemAsync(5);
        using var admin = await ConnectionMultiplexer.ConnectAsync(await Shop.GateConnectionStringAsync() + ",allowAdmin=true,abortConnect=false");
        var server = admin.GetServers().Single();
        var redis = admin.GetDatabase();

        // A reservation accepted while the worker is down waits in the stream, unconfirmed.
        var worker = shop.Instances("ordering-worker").Single();
        await shop.KillAndWaitExitedAsync(worker, TimeSpan.FromMinutes(1));
        Guid pending;
        try
        {
            pending = await AcceptedAsync(await Shop.BuyAsync(saleId, "before-full", "full-1"));

            // maxmemory just above what the gate uses: over the soft limit (80 %), under the hard one.
            var configured = (await server.ConfigGetAsync("maxmemory")).Single().Value;
            var used = long.Parse(InfoField(await server.InfoRawAsync("memory") ?? "", "used_memory"), CultureInfo.InvariantCulture);
            await server.ConfigSetAsync("maxmemory", (used + used / 8).ToString(CultureInfo.InvariantCulture));
            try
            {
                await redis.KeyDeleteAsync(GateKeys.MemoryChecked);
                using var refused = await Shop.BuyAsync(saleId, "after-full", "full-2");
                Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
                Assert.True(refused.Headers.RetryAfter is not null, "a 503 says when to try again");
                var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
                Assert.Equal(ProblemTypes.GateFull, problem.GetProperty("type").GetString());
                Assert.Contains("cannot take new orders", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
                using var refusedCheckout = await checkout.CheckoutAsync("after-full", "full-basket", (item, 1));
                Assert.Equal(HttpStatusCode.ServiceUnavailable, refusedCheckout.StatusCode);
                // A repeated key is answered (it writes nothing), and nothing was taken.
                Assert.Equal(pending, await AcceptedAsync(await Shop.BuyAsync(saleId, "before-full", "full-1")));
                Assert.Equal(9, (long)await redis.HashGetAsync(GateKeys.Stock(saleId), "stock"));
                Assert.Equal(5, await checkout.GateAsync(item, "stock"));

                // The worker back: the waiting reservation is confirmed into the ledger and settled in the gate.
                await shop.StartAgainAsync(worker, TimeSpan.FromMinutes(2));
                await Eventually.EqualAsync("Confirmed", async () => await StatusInLedgerAsync(pending), "the reservation confirmed while the gate is over its soft limit",
                    TimeSpan.FromSeconds(30));
                await Eventually.EqualAsync("confirmed", async () => (string?)await redis.HashGetAsync(GateKeys.Order(pending), "status"), "settled in the gate");
                await redis.KeyDeleteAsync(GateKeys.MemoryChecked);
                using var stillFull = await Shop.BuyAsync(saleId, "after-full", "full-3");
                Assert.Equal(HttpStatusCode.ServiceUnavailable, stillFull.StatusCode);
            }
            finally
            {
                await server.ConfigSetAsync("maxmemory", configured);
                await redis.KeyDeleteAsync(GateKeys.MemoryChecked);
            }
            await AcceptedAsync(await Shop.BuyAsync(saleId, "after-full", "full-4"));
        }
        finally
        {
            if (shop.Instances("ordering-worker").Single().Pid == worker.Pid)
            {
                await shop.StartAgainAsync(worker, TimeSpan.FromMinutes(2));
            }
        }
    }

    private async Task<string?> StatusInLedgerAsync(Guid orderId)
    {
        await using var command = (await Shop.OrderingDbAsync()).CreateCommand("SELECT status FROM orders WHERE order_id = @o");
        command.Parameters.AddWithValue("o", orderId);
        return (string?)await command.ExecuteScalarAsync();
    }

    private static string InfoField(string info, string name) =>
        info.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith(name + ":", StringComparison.Ordinal))[(name.Length + 1)..];

    private static async Task<Guid> AcceptedAsync(HttpResponseMessage response)
    {
        using var answered = response;
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("orderId").GetGuid();
    }

    private static async Task AssertOpenOrdersProblemAsync(HttpResponseMessage response, string detail)
    {
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(ProblemTypes.TooManyOpenOrders, problem.GetProperty("type").GetString());
        Assert.Contains(detail, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private sealed class MovableClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
