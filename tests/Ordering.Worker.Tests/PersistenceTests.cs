using Shop.Ordering.Core.Messaging;
using Shop.Ordering.Core.Redis;

namespace Shop.Ordering.Worker.Tests;

/// <summary>Reservations the gate accepted become durable orders in batches, exactly once, and the ledger never oversells.</summary>
[Collection(PipelineCollection.Name)]
public sealed class PersistenceTests(WorkerAppFixture fixture)
{
    private WorkerTestClient Client => fixture.Client;

    [Fact]
    public async Task Reservations_accepted_by_the_gate_become_exactly_that_many_orders_and_the_ledger_drops_by_the_total()
    {
        const int Reservations = 300;
        var sale = await Client.ArmAsync(WorkerTestClient.Sale(quantity: 2000, perBuyerLimit: 3));
        var accepted = new List<ReservationMessage>();
        for (var i = 0; i < Reservations; i++)
        {
            accepted.Add((await Client.ReserveAsync(sale.SaleId, $"batch-buyer-{i}", "key", 1 + (i % 3)))!);
        }
        var units = accepted.Sum(r => r.Quantity);

        // Nothing to hand over: the worker reads the gate's stream itself.
        await Eventually.EqualAsync((long)Reservations, () => Client.OrderCountAsync(sale.SaleId), "every reservation persisted");
        Assert.Equal(2000 - units, await Client.RemainingAsync(sale.SaleId));
        Assert.Equal(Reservations, await Client.ScalarAsync(
            "SELECT count(*) FROM orders WHERE stock_id = @s AND order_id = ANY(@ids) AND status = 'Confirmed'",
            ("s", sale.SaleId), ("ids", accepted.Select(r => r.OrderId).ToArray())));
        var expected = accepted[7];
        // An order expires a payment timeout after the gate accepted it.
        Assert.Equal(expected.ReservedAt + fixture.PaymentTimeout, await ExpiresAtAsync(expected.OrderId), TimeSpan.FromMilliseconds(1));
        // Settled in the gate: nothing pending any more, the stock agrees with the ledger, the stream emptied.
        await Eventually.EqualAsync(0L, () => Client.GateAsync(sale.SaleId, "pending"), "every order settled in the gate");
        Assert.Equal(2000 - units, await Client.GateAsync(sale.SaleId, "stock"));
        Assert.Equal("confirmed", (string?)await Client.Redis.HashGetAsync(GateKeys.Order(expected.OrderId), "status"));
        Assert.False(await Client.Redis.SetContainsAsync(GateKeys.BuyerPending(expected.BuyerId), expected.OrderId.ToString("N")));
        Assert.Empty(await Client.Redis.StreamRangeAsync(GateKeys.Reservations, "-", "+"));
        await Client.AssertReconcilesAsync(sale.SaleId);
    }

    [Fact]
    public async Task A_second_entry_for_an_order_already_persisted_inserts_nothing_and_moves_nothing()
    {
        var sale = await Client.ArmAsync(WorkerTestClient.Sale(quantity: 50));
        var twice = (await Client.ReserveAsync(sale.SaleId, "dup-buyer", "dup-1", 2))!;
        var other = (await Client.ReserveAsync(sale.SaleId, "dup-buyer", "dup-2", 3))!;
        await Eventually.EqualAsync(2L, () => Client.OrderCountAsync(sale.SaleId), "both orders persisted");

        // The same order again, as an entry of its own (what an operator re-adding a parked entry produces),
        // followed by a marker: once the marker is persisted, the copy has been handled.
        await Client.AppendUnacceptedAsync(twice);
        var marker = (await Client.ReserveAsync(sale.SaleId, "dup-buyer", "dup-3", 1))!;
        await Eventually.EqualAsync(3L, () => Client.OrderCountAsync(sale.SaleId), "the marker persisted");

        Assert.Equal(1, await Client.ScalarAsync("SELECT count(*) FROM orders WHERE order_id = @o", ("o", twice.OrderId)));
        Assert.Equal(50 - 2 - 3 - 1, await Client.RemainingAsync(sale.SaleId));
        await Client.AssertReconcilesAsync(sale.SaleId);
        Assert.Equal(6, await Client.HoldingAsync(sale.SaleId, "dup-buyer"));
    }

    [Fact]
    public async Task An_oversell_attempt_is_refused_and_parked_and_the_ledger_never_goes_negative()
    {
        // Two reservations the gate accepted (4 of 5 units), then one it never accepted (it would have refused it):
        // the ledger cannot cover its 2 units.
        var sale = await Client.ArmAsync(WorkerTestClient.Sale(quantity: 5));
        await Client.ReserveAsync(sale.SaleId, "over-0", "o-0", 2);
        await Client.ReserveAsync(sale.SaleId, "over-1", "o-1", 2);
        var unaccepted = WorkerTestClient.Unaccepted(sale.SaleId, "over-2", 2);
        var entryId = await Client.AppendUnacceptedAsync(unaccepted);

        await Client.WaitForParkedAsync(entryId);
        Assert.Equal("refused", (await Client.ParkedAsync())[entryId]["reason"]);
        Assert.Equal(unaccepted.OrderId.ToString("N"), (await Client.ParkedAsync())[entryId]["orderId"]);
        Assert.Equal(2, await Client.OrderCountAsync(sale.SaleId));
        Assert.Equal(0, await Client.ScalarAsync("SELECT count(*) FROM orders WHERE order_id = @o", ("o", unaccepted.OrderId)));
        Assert.Equal(1, await Client.RemainingAsync(sale.SaleId));
        // The gate never counted the parked one, so it agrees with the ledger.
        await Client.AssertReconcilesAsync(sale.SaleId);
        Assert.Equal(1, await Client.GateAsync(sale.SaleId, "stock"));
    }

    [Fact]
    public async Task Poison_entries_are_parked_at_once_with_their_fields_and_the_others_are_persisted()
    {
        var sale = await Client.ArmAsync(WorkerTestClient.Sale(quantity: 10));
        var notAReservation = await Client.AppendRawAsync(("note", "this is not a reservation"));
        var zeroUnits = await Client.AppendUnacceptedAsync(WorkerTestClient.Unaccepted(sale.SaleId, "poison-buyer", 1) with { Quantity = 0 });
        var good = (await Client.ReserveAsync(sale.SaleId, "poison-buyer", "p-1", 1))!;

        await Client.WaitForParkedAsync(notAReservation);
        await Client.WaitForParkedAsync(zeroUnits);
        var parked = await Client.ParkedAsync();
        Assert.Equal("poison", parked[notAReservation]["reason"]);
        Assert.Equal("this is not a reservation", parked[notAReservation]["note"]);
        Assert.Equal("0", parked[zeroUnits]["quantity"]);
        await Eventually.TrueAsync(async () => await fixture.WorkerMetricAsync("shop_worker_reservations_parked_total", "poison") >= 2,
            "the parked entries counted (the alert ShopReservationsParked reads this counter)");
        await Eventually.EqualAsync(1L, () => Client.OrderCountAsync(sale.SaleId), "the good reservation persisted");
        Assert.Equal(good.OrderId, Guid.Parse(await Client.StringAsync("SELECT order_id::text FROM orders WHERE stock_id = @s", ("s", sale.SaleId)) ?? ""));
        Assert.Equal(9, await Client.RemainingAsync(sale.SaleId));
        await Client.AssertReconcilesAsync(sale.SaleId);
    }

    private async Task<DateTimeOffset> ExpiresAtAsync(Guid orderId)
    {
        await using var command = Client.Db.CreateCommand("SELECT expires_at FROM orders WHERE order_id = @o");
        command.Parameters.AddWithValue("o", orderId);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return reader.GetFieldValue<DateTimeOffset>(0);
    }
}
