using Shop.Ordering.Core.Messaging;
using Shop.Ordering.Core.Redis;

namespace Shop.Ordering.Worker.Tests;

/// <summary>
/// Redis restarts empty (no persistence in the AppHost): the gate has lost everything. The worker rebuilds it from
/// the ledger — stock, buyers' holdings, idempotency answers, released orders — and sets ordering:alive again.
/// </summary>
public sealed class CacheRestartTests(CacheRestartFixture fixture) : IClassFixture<CacheRestartFixture>
{
    // The API's cancel (Ordering.Api OrderCommands), for a release the rebuild must account for.
    private const string CancelSql = """
        WITH cancelled AS (
            UPDATE orders SET status = 'Cancelled', closed_at = now() WHERE order_id = @id AND status = 'Confirmed'
            RETURNING order_id, sale_id, buyer_id, quantity
        ), released AS (
            INSERT INTO stock_releases (order_id, sale_id, buyer_id, quantity) SELECT order_id, sale_id, buyer_id, quantity FROM cancelled
        )
        UPDATE flash_sales s SET remaining = s.remaining + c.quantity, updated_at = now() FROM cancelled c WHERE s.sale_id = c.sale_id
        """;

    private WorkerTestClient Client => fixture.Client;

    [Fact]
    public async Task After_Redis_restarts_empty_the_worker_rebuilds_the_gate_from_the_ledger()
    {
        var sale = await Client.ArmAsync(WorkerTestClient.Sale(quantity: 100, perBuyerLimit: 5));
        var orders = new List<ReservationMessage>();
        for (var i = 0; i < 20; i++)
        {
            orders.Add((await Client.ReserveAsync(sale.SaleId, $"cache-buyer-{i % 10}", $"key-{i}", 1 + (i % 2)))!);
        }
        await Client.PublishAsync(orders);
        await Eventually.EqualAsync(20L, () => Client.OrderCountAsync(sale.SaleId), "the orders persisted");
        Assert.Equal(1, await Client.ExecuteAsync(CancelSql, ("id", orders[3].OrderId)));
        var remaining = 100 - orders.Sum(o => o.Quantity) + orders[3].Quantity;
        await Eventually.EqualAsync((long)remaining, () => Client.GateAsync(sale.SaleId, "stock"), "the cancellation back in the gate");
        var paid = orders[5];
        Assert.Equal(1, await Client.ExecuteAsync("UPDATE orders SET status = 'Paid', paid_at = now() WHERE order_id = @o", ("o", paid.OrderId)));

        // A marker only this test writes: gone after the restart means Redis really came back empty.
        const string Marker = "test:cache-restart-marker";
        await Client.Redis.StringSetAsync(Marker, "before");
        await fixture.App.RestartAsync("cache");
        await Eventually.TrueAsync(async () => await Client.TryRedisAsync(db => db.KeyExistsAsync(Marker)) == false, "Redis back, and empty");

        await Eventually.TrueAsync(Client.GateAliveAsync, "ordering:alive set again by the rebuild");
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
        Assert.True(await Client.Redis.SetContainsAsync(GateKeys.Released(sale.SaleId), orders[3].OrderId.ToString("N")));
        var (_, repeat) = await Client.ReserveRawAsync(sale.SaleId, orders[0].BuyerId, orders[0].IdempotencyKey, orders[0].Quantity);
        Assert.Equal(["repeat", $"{orders[0].OrderId:N}|{orders[0].Quantity}"], repeat);
        await Client.AssertReconcilesAsync(sale.SaleId);

        // Buying works again, and the new order goes through the whole pipeline.
        var next = await Client.ReserveAsync(sale.SaleId, "after-rebuild", "k", 2);
        Assert.NotNull(next);
        await Client.PublishAsync(next);
        await Eventually.EqualAsync((long)remaining - 2, () => Client.RemainingAsync(sale.SaleId), "the new order persisted");
        await Eventually.EqualAsync(0L, () => Client.GateAsync(sale.SaleId, "pending"), "the new order confirmed to the gate");
        await Client.AssertReconcilesAsync(sale.SaleId);
        Assert.Contains(fixture.WorkerLog(), line => line.Contains("Rebuilt the gate from the ledger: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Reservations_in_flight_when_Redis_restarts_are_all_persisted_and_the_rebuilt_gate_agrees_with_the_ledger()
    {
        const int Count = 2000;
        const int Stock = 5000;
        var sale = await Client.ArmAsync(WorkerTestClient.Sale(quantity: Stock, perBuyerLimit: 10));
        var reservations = new List<ReservationMessage>();
        for (var i = 0; i < Count; i++)
        {
            reservations.Add((await Client.ReserveAsync(sale.SaleId, $"flight-buyer-{i % 500}", $"f-{i}", 1))!);
        }

        // The gate dies while these are on their way: the rebuild must wait until they are in the ledger.
        var publishing = Client.PublishAsync(reservations);
        await fixture.App.RestartAsync("cache");
        await publishing;

        await Eventually.TrueAsync(Client.GateAliveAsync, "ordering:alive set again by the rebuild");
        await Eventually.EqualAsync((long)Count, () => Client.OrderCountAsync(sale.SaleId), "every reservation persisted");
        await Eventually.EqualAsync(0L, () => Client.ScalarAsync("SELECT count(*) FROM orders WHERE sale_id = @s AND NOT gate_confirmed", ("s", sale.SaleId)),
            "every order known to the gate");
        Assert.Equal(Stock - Count, await Client.RemainingAsync(sale.SaleId));
        Assert.Equal(Stock - Count, await Client.GateAsync(sale.SaleId, "stock"));
        Assert.Equal(0, await Client.GateAsync(sale.SaleId, "pending"));
        Assert.Equal(4, await Client.HoldingAsync(sale.SaleId, "flight-buyer-7"));
        await Client.AssertReconcilesAsync(sale.SaleId);
    }
}
