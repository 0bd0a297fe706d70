using Shop.Ordering.Core.Messaging;
using Shop.Ordering.Core.Redis;
using Shop.Testing;
using StackExchange.Redis;

namespace Shop.Ordering.Worker.Tests;

/// <summary>
/// The gate's Redis (<c>gate</c>: append-only file, fsync before every answer, data folder kept) restarted: a plain
/// restart keeps everything, exactly, and nothing is rebuilt. A gate that lost its disk has lost everything: the
/// worker rebuilds it from the ledger — stock, buyers' holdings, idempotency answers, released orders — and sets
/// ordering:ready again.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class GateRestartTests(WorkerAppFixture fixture)
{
    private const string RebuiltLine = "Rebuilt the gate from the ledger: ";
    private const string LostLine = "The gate holds no state";

    // The API's cancel (Ordering.Api OrderCommands), for a release the rebuild must account for.
    private const string CancelSql = """
        WITH cancelled AS (
            UPDATE orders SET status = 'Cancelled', closed_at = now() WHERE order_id = @id AND status = 'Confirmed'
            RETURNING order_id, stock_id, buyer_id, quantity
        ), released AS (
            INSERT INTO stock_releases (order_id, stock_id, buyer_id, quantity) SELECT order_id, stock_id, buyer_id, quantity FROM cancelled
        )
        UPDATE stocks s SET remaining = s.remaining + c.quantity, updated_at = now() FROM cancelled c WHERE s.stock_id = c.stock_id
        """;

    private WorkerTestClient Client => fixture.Client;

    [Fact]
    public async Task A_restarted_gate_has_exactly_its_state_and_nothing_is_rebuilt()
    {
        var sale = await Client.ArmAsync(WorkerTestClient.Sale(quantity: 100, perBuyerLimit: 5));
        var orders = new List<ReservationMessage>();
        for (var i = 0; i < 20; i++)
        {
            orders.Add((await Client.ReserveAsync(sale.SaleId, $"restart-buyer-{i % 10}", $"key-{i}", 1 + (i % 2)))!);
        }
        await Eventually.EqualAsync(20L, () => Client.OrderCountAsync(sale.SaleId), "the orders persisted");
        Assert.Equal(1, await Client.ExecuteAsync(CancelSql, ("id", orders[3].OrderId)));
        var remaining = 100 - orders.Sum(o => o.Quantity) + orders[3].Quantity;
        await Eventually.EqualAsync((long)remaining, () => Client.GateAsync(sale.SaleId, "stock"), "the cancellation back in the gate");
        await Eventually.EqualAsync(0L, () => Client.GateAsync(sale.SaleId, "pending"), "every order settled in the gate");

        // Everything the gate holds, once it has settled (the worker is done with these orders).
        var before = await SettledContentsAsync();
        Assert.Contains(GateKeys.Ready.ToString(), before.Keys);
        Assert.Contains(GateKeys.Reservations.ToString(), before.Keys);
        var rebuildsBefore = fixture.WorkerLog().Count(l => l.Contains(RebuiltLine, StringComparison.Ordinal));
        var lostBefore = fixture.WorkerLog().Count(l => l.Contains(LostLine, StringComparison.Ordinal));
        var pid = fixture.App.Instances("gate").Single().Pid;

        await fixture.App.RestartAsync("gate");
        Assert.NotEqual(pid, fixture.App.Instances("gate").Single().Pid);
        await Eventually.TrueAsync(async () => await Client.TryRedisAsync(db => db.PingAsync()) is not null, "the test's connection to the gate back");

        // The same keys with the same contents: stock, pending, holdings, answers, released orders, the orders'
        // hashes, the reservations stream and its consumer group, and ordering:ready with the value of its last
        // (re)build: the worker did not rebuild, and did not even see the gate empty.
        var after = await ContentsAsync();
        Assert.Equal(before.Keys, after.Keys);
        foreach (var (key, value) in before)
        {
            Assert.Equal($"{key}: {value}", $"{key}: {after[key]}");
        }
        await Task.Delay(TimeSpan.FromSeconds(3)); // several of the worker's checks of ordering:ready (every second)
        Assert.Equal(rebuildsBefore, fixture.WorkerLog().Count(l => l.Contains(RebuiltLine, StringComparison.Ordinal)));
        Assert.Equal(lostBefore, fixture.WorkerLog().Count(l => l.Contains(LostLine, StringComparison.Ordinal)));

        // A retried buy gets its first answer; a new one is accepted and goes through the whole pipeline.
        var repeat = await Client.Gate.ReserveAsync(sale.SaleId, orders[0].BuyerId, orders[0].IdempotencyKey, orders[0].Quantity);
        Assert.Equal(new ReservationDecision(ReservationOutcome.Repeat, orders[0].OrderId, orders[0].Quantity), repeat);
        var next = await Client.ReserveAsync(sale.SaleId, "after-restart", "k", 2);
        Assert.NotNull(next);
        await Eventually.EqualAsync((long)remaining - 2, () => Client.RemainingAsync(sale.SaleId), "the new order persisted");
        await Eventually.EqualAsync(0L, () => Client.GateAsync(sale.SaleId, "pending"), "the new order confirmed to the gate");
        await Client.AssertReconcilesAsync(sale.SaleId);
    }

    [Fact]
    public async Task After_the_gate_loses_its_disk_the_worker_rebuilds_the_gate_from_the_ledger()
    {
        var sale = await Client.ArmAsync(WorkerTestClient.Sale(quantity: 100, perBuyerLimit: 5));
        var orders = new List<ReservationMessage>();
        for (var i = 0; i < 20; i++)
        {
            orders.Add((await Client.ReserveAsync(sale.SaleId, $"cache-buyer-{i % 10}", $"key-{i}", 1 + (i % 2)))!);
        }
        await Eventually.EqualAsync(20L, () => Client.OrderCountAsync(sale.SaleId), "the orders persisted");
        Assert.Equal(1, await Client.ExecuteAsync(CancelSql, ("id", orders[3].OrderId)));
        var remaining = 100 - orders.Sum(o => o.Quantity) + orders[3].Quantity;
        await Eventually.EqualAsync((long)remaining, () => Client.GateAsync(sale.SaleId, "stock"), "the cancellation back in the gate");
        var paid = orders[5];
        Assert.Equal(1, await Client.ExecuteAsync("UPDATE orders SET status = 'Paid', paid_at = now() WHERE order_id = @o", ("o", paid.OrderId)));

        // A marker only this test writes: gone afterwards means the gate really came back empty.
        const string Marker = "test:gate-lost-disk-marker";
        await Client.Redis.StringSetAsync(Marker, "before");
        await fixture.App.LoseDataAsync("gate", TimeSpan.FromMinutes(2));
        await Eventually.TrueAsync(async () => await Client.TryRedisAsync(db => db.KeyExistsAsync(Marker)) == false, "the gate back, and empty");

        await Eventually.TrueAsync(Client.GateReadyAsync, "ordering:ready set again by the rebuild");
        Assert.Equal(remaining, await Client.RemainingAsync(sale.SaleId));
        Assert.Equal(remaining, await Client.GateAsync(sale.SaleId, "stock"));
        Assert.Equal(0, await Client.GateAsync(sale.SaleId, "pending"));
        Assert.Equal(100, await Client.GateAsync(sale.SaleId, "initial"));
        Assert.Equal(5, await Client.GateAsync(sale.SaleId, "limit"));
        Assert.Equal(1, await Client.GateAsync(sale.SaleId, "version"));

        // Holdings: every buyer's units in confirmed and paid orders; the cancelled order's units are not held.
        foreach (var buyer in orders.GroupBy(o => o.BuyerId))
        {
            var held = buyer.Where(o => o.OrderId != orders[3].OrderId).Sum(o => o.Quantity);
            Assert.Equal(held, await Client.HoldingAsync(sale.SaleId, buyer.Key));
        }
        // Answers: every order's, so a retried buy gets its first answer back instead of a second order.
        foreach (var order in orders)
        {
            Assert.Equal($"{order.OrderId:N}|{order.Quantity}", (string?)await Client.Redis.HashGetAsync(GateKeys.Answers(sale.SaleId), $"{order.BuyerId}|{order.IdempotencyKey}"));
        }
        // Kept until the sale's end plus the retention, as reserve.lua keeps them (bounded, never for good).
        Assert.NotNull(await Client.Redis.KeyExpireTimeAsync(GateKeys.Answers(sale.SaleId)));
        Assert.NotNull(await Client.Redis.KeyExpireTimeAsync(GateKeys.Buyers(sale.SaleId)));
        // The cancelled order's release was marked applied by the rebuild (its units are in the rebuilt stock): never applied again.
        Assert.Equal(0L, await Client.ScalarAsync("SELECT count(*) FROM stock_releases WHERE order_id = @o AND applied_at IS NULL", ("o", orders[3].OrderId)));
        var repeat = await Client.Gate.ReserveAsync(sale.SaleId, orders[0].BuyerId, orders[0].IdempotencyKey, orders[0].Quantity);
        Assert.Equal(new ReservationDecision(ReservationOutcome.Repeat, orders[0].OrderId, orders[0].Quantity), repeat);
        await Client.AssertReconcilesAsync(sale.SaleId);

        // Buying works again, and the new order goes through the whole pipeline.
        var next = await Client.ReserveAsync(sale.SaleId, "after-rebuild", "k", 2);
        Assert.NotNull(next);
        await Eventually.EqualAsync((long)remaining - 2, () => Client.RemainingAsync(sale.SaleId), "the new order persisted");
        await Eventually.EqualAsync(0L, () => Client.GateAsync(sale.SaleId, "pending"), "the new order confirmed to the gate");
        await Client.AssertReconcilesAsync(sale.SaleId);
        Assert.Contains(fixture.WorkerLog(), line => line.Contains(RebuiltLine, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_gate_that_loses_its_disk_mid_stream_is_rebuilt_from_the_ledger_and_agrees_with_it()
    {
        // The gate's stream is the only copy of a reservation until the worker commits it (docs/ordering.md): those
        // still in it when the disk is lost are lost with it. What must hold is that the rebuilt gate counts exactly
        // what the ledger has, so no unit is sold twice.
        const int Count = 2000;
        const int Stock = 5000;
        var sale = await Client.ArmAsync(WorkerTestClient.Sale(quantity: Stock, perBuyerLimit: 10));
        var reservations = new List<ReservationMessage>();
        for (var i = 0; i < Count; i++)
        {
            reservations.Add((await Client.ReserveAsync(sale.SaleId, $"flight-buyer-{i % 500}", $"f-{i}", 1))!);
        }

        // The gate dies while the worker is still persisting them.
        await fixture.App.LoseDataAsync("gate", TimeSpan.FromMinutes(2));

        await Eventually.TrueAsync(Client.GateReadyAsync, "ordering:ready set again by the rebuild");
        var persisted = await Client.OrderCountAsync(sale.SaleId);
        Assert.InRange(persisted, 1, Count);
        Assert.Equal(Stock - persisted, await Client.RemainingAsync(sale.SaleId));
        Assert.Equal(Stock - persisted, await Client.GateAsync(sale.SaleId, "stock"));
        Assert.Equal(0, await Client.GateAsync(sale.SaleId, "pending"));
        Assert.Equal(await Client.ScalarAsync("SELECT coalesce(sum(quantity), 0) FROM orders WHERE stock_id = @s AND buyer_id = 'flight-buyer-7'", ("s", sale.SaleId)),
            await Client.HoldingAsync(sale.SaleId, "flight-buyer-7"));
        await Client.AssertReconcilesAsync(sale.SaleId);
        // And the rebuilt gate sells again, through the whole pipeline.
        Assert.NotNull(await Client.ReserveAsync(sale.SaleId, "after-loss", "k", 1));
        await Eventually.EqualAsync(persisted + 1, () => Client.OrderCountAsync(sale.SaleId), "a reservation after the rebuild persisted");
    }

    /// <summary>
    /// <see cref="ContentsAsync"/> once two readings a second apart agree: the worker's work on
    /// earlier orders (confirmations, acknowledging stream entries) has ended.
    /// </summary>
    private async Task<SortedDictionary<string, string>> SettledContentsAsync()
    {
        var last = await ContentsAsync();
        for (var attempt = 0; attempt < 30; attempt++)
        {
            await Task.Delay(1000);
            var now = await ContentsAsync();
            if (now.Count == last.Count && now.All(e => last.TryGetValue(e.Key, out var v) && v == e.Value))
            {
                return now;
            }
            last = now;
        }
        throw new TimeoutException("The gate's contents did not settle within 30 s.");
    }

    /// <summary>Every key of the gate with its type, its whole contents and whether it expires.</summary>
    private async Task<SortedDictionary<string, string>> ContentsAsync()
    {
        var db = Client.Redis;
        var server = Client.RedisConnection.GetServer(Client.RedisConnection.GetEndPoints().Single());
        var contents = new SortedDictionary<string, string>(StringComparer.Ordinal);
        await foreach (var key in server.KeysAsync(pattern: "*"))
        {
            var type = await db.KeyTypeAsync(key);
            var value = type switch
            {
                RedisType.String => (string?)await db.StringGetAsync(key),
                RedisType.Hash => Joined((await db.HashGetAllAsync(key)).Select(e => $"{e.Name}={e.Value}")),
                RedisType.Set => Joined((await db.SetMembersAsync(key)).Select(m => (string)m!)),
                RedisType.Stream => await StreamAsync(db, key),
                _ => $"{type} (not compared)",
            };
            contents[key!] = $"{type} {value}{(await db.KeyTimeToLiveAsync(key) is null ? "" : " (expires)")}";
        }
        return contents;
    }

    private static async Task<string> StreamAsync(IDatabase db, RedisKey key)
    {
        var info = await db.StreamInfoAsync(key);
        // Not the group's entries-read counter (a hint for its lag): Redis 7.0 does not write it to the append-only
        // file, and reads it back as 0 (seen here). The position that matters, the last delivered id, is kept.
        var groups = (await db.StreamGroupInfoAsync(key)).Select(g => $"{g.Name}: last delivered {g.LastDeliveredId}, {g.PendingMessageCount} pending");
        var entries = (await db.StreamRangeAsync(key)).Select(e => $"{e.Id} {Joined(e.Values.Select(v => $"{v.Name}={v.Value}"))}");
        return $"length {info.Length}, last id {info.LastGeneratedId}, groups [{string.Join("; ", groups)}], entries [{string.Join("; ", entries)}]";
    }

    private static string Joined(IEnumerable<string> values) => string.Join(",", values.Order(StringComparer.Ordinal));
}
