using Shop.Ordering.Core.Redis;

namespace Shop.Ordering.Worker.Tests;

/// <summary>
/// An unpaid order expires after the payment timeout (3 s here) and its units go back to the ledger and to the
/// gate exactly once; a cancellation recorded by the API goes back to the gate the same way.
/// </summary>
[Collection(ExpiryCollection.Name)]
public sealed class ExpiryTests(ExpiryFixture fixture)
{
    // The API's cancel statement (Ordering.Api OrderCommands), run here directly: units back in the ledger and a
    // release row in one statement; giving them back to the gate is the worker's job.
    private const string CancelSql = """
        WITH cancelled AS (
            UPDATE orders SET status = 'Cancelled', closed_at = now()
            WHERE order_id = @id AND status = 'Confirmed'
            RETURNING order_id, stock_id, buyer_id, quantity
        ), released AS (
            INSERT INTO stock_releases (order_id, stock_id, buyer_id, quantity)
            SELECT order_id, stock_id, buyer_id, quantity FROM cancelled
        )
        UPDATE stocks s SET remaining = s.remaining + c.quantity, updated_at = now()
        FROM cancelled c WHERE s.stock_id = c.stock_id
        """;

    private WorkerTestClient Client => fixture.Client;

    [Fact]
    public async Task An_unpaid_order_expires_and_its_units_come_back_to_the_ledger_and_the_gate_exactly_once()
    {
        var sale = await Client.ArmAsync(WorkerTestClient.Sale(quantity: 10, perBuyerLimit: 5));
        var unpaid = (await Client.ReserveAsync(sale.SaleId, "late-payer", "e-1", 3))!;
        var paid = (await Client.ReserveAsync(sale.SaleId, "prompt-payer", "e-2", 2))!;
        await Eventually.EqualAsync(2L, () => Client.OrderCountAsync(sale.SaleId), "both orders persisted");
        // Paying, as the API does it: a paid order never expires.
        Assert.Equal(1, await Client.ExecuteAsync("UPDATE orders SET status = 'Paid', paid_at = now() WHERE order_id = @o AND status = 'Confirmed'", ("o", paid.OrderId)));
        Assert.Equal(3, await Client.HoldingAsync(sale.SaleId, "late-payer"));
        Assert.Equal(5, await Client.GateAsync(sale.SaleId, "stock"));

        await Eventually.EqualAsync("Expired", () => Client.StringAsync("SELECT status FROM orders WHERE order_id = @o", ("o", unpaid.OrderId)),
            "the unpaid order expired", TimeSpan.FromSeconds(15));
        await Eventually.EqualAsync(8L, () => Client.GateAsync(sale.SaleId, "stock"), "the units back in the gate");

        Assert.Equal(8, await Client.RemainingAsync(sale.SaleId));
        Assert.Equal(0, await Client.HoldingAsync(sale.SaleId, "late-payer"));
        // The release is recorded in the order's hash (release.lua counts it once by it), which expires like the order's.
        Assert.Equal("1", (string?)await Client.Redis.HashGetAsync(GateKeys.Order(unpaid.OrderId), "released"));
        Assert.NotNull(await Client.Redis.KeyExpireTimeAsync(GateKeys.Order(unpaid.OrderId)));
        await Eventually.EqualAsync(1L, () => Client.ScalarAsync("SELECT count(*) FROM stock_releases WHERE order_id = @o AND applied_at IS NOT NULL", ("o", unpaid.OrderId)),
            "the release marked applied");
        Assert.Equal("Paid", await Client.StringAsync("SELECT status FROM orders WHERE order_id = @o", ("o", paid.OrderId)));
        Assert.NotNull(await Client.StringAsync("SELECT closed_at::text FROM orders WHERE order_id = @o", ("o", unpaid.OrderId)));

        // Exactly once: several more rounds of expiry and release change nothing.
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.Equal(8, await Client.RemainingAsync(sale.SaleId));
        Assert.Equal(8, await Client.GateAsync(sale.SaleId, "stock"));
        Assert.Equal(0, await Client.HoldingAsync(sale.SaleId, "late-payer"));
        Assert.Equal(2, await Client.HoldingAsync(sale.SaleId, "prompt-payer"));
        await Client.AssertReconcilesAsync(sale.SaleId);
    }

    [Fact]
    public async Task A_cancellation_recorded_by_the_api_goes_back_to_the_gate_once()
    {
        var sale = await Client.ArmAsync(WorkerTestClient.Sale(quantity: 6, perBuyerLimit: 6));
        var order = (await Client.ReserveAsync(sale.SaleId, "canceller", "c-1", 4))!;
        await Eventually.EqualAsync(2L, () => Client.RemainingAsync(sale.SaleId), "the order persisted");

        Assert.Equal(1, await Client.ExecuteAsync(CancelSql, ("id", order.OrderId)));

        await Eventually.EqualAsync(6L, () => Client.GateAsync(sale.SaleId, "stock"), "the units back in the gate");
        Assert.Equal(0, await Client.HoldingAsync(sale.SaleId, "canceller"));
        Assert.Equal(6, await Client.RemainingAsync(sale.SaleId));
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.Equal(6, await Client.GateAsync(sale.SaleId, "stock"));
        // The buyer can buy the units again.
        Assert.NotNull(await Client.ReserveAsync(sale.SaleId, "canceller", "c-2", 6));
        await Client.AssertReconcilesAsync(sale.SaleId);
    }
}
