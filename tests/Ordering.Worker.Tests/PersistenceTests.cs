using System.Text;
using Shop.Ordering.Core.Messaging;
using Shop.Ordering.Core.Redis;

namespace Shop.Ordering.Worker.Tests;

/// <summary>Reservations become durable orders in batches, exactly once, and the ledger never oversells.</summary>
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

        await Client.PublishAsync(accepted);

        await Eventually.EqualAsync((long)Reservations, () => Client.OrderCountAsync(sale.SaleId), "every reservation persisted");
        Assert.Equal(2000 - units, await Client.RemainingAsync(sale.SaleId));
        Assert.Equal(Reservations, await Client.ScalarAsync(
            "SELECT count(*) FROM orders WHERE sale_id = @s AND order_id = ANY(@ids) AND status = 'Confirmed'",
            ("s", sale.SaleId), ("ids", accepted.Select(r => r.OrderId).ToArray())));
        var expected = accepted[7];
        // An order expires a payment timeout after the gate accepted it.
        Assert.Equal(expected.ReservedAt + fixture.PaymentTimeout, await ExpiresAtAsync(expected.OrderId), TimeSpan.FromMilliseconds(1));
        // The gate is told: nothing pending any more, the stock agrees with the ledger.
        await Eventually.EqualAsync(0L, () => Client.ScalarAsync("SELECT count(*) FROM orders WHERE sale_id = @s AND NOT gate_confirmed", ("s", sale.SaleId)),
            "every order confirmed to the gate");
        Assert.Equal(0, await Client.GateAsync(sale.SaleId, "pending"));
        Assert.Equal(2000 - units, await Client.GateAsync(sale.SaleId, "stock"));
        Assert.Equal("confirmed", (string?)await Client.Redis.HashGetAsync(GateKeys.Order(expected.OrderId), "status"));
        Assert.False(await Client.Redis.SetContainsAsync(GateKeys.BuyerPending(expected.BuyerId), expected.OrderId.ToString("N")));
        await Client.AssertReconcilesAsync(sale.SaleId);
    }

    [Fact]
    public async Task A_duplicate_publish_and_a_late_redelivery_insert_the_order_once()
    {
        var sale = await Client.ArmAsync(WorkerTestClient.Sale(quantity: 50));
        var twice = (await Client.ReserveAsync(sale.SaleId, "dup-buyer", "dup-1", 2))!;
        var other = (await Client.ReserveAsync(sale.SaleId, "dup-buyer", "dup-2", 3))!;

        await Client.PublishAsync(twice, twice, other);
        await Eventually.EqualAsync(2L, () => Client.OrderCountAsync(sale.SaleId), "both orders persisted");
        // The same reservation again after it was persisted (what a relay crash between publish and XACK
        // produces), followed by a marker: once the marker is persisted, the late copy has been handled.
        var marker = (await Client.ReserveAsync(sale.SaleId, "dup-buyer", "dup-3", 1))!;
        await Client.PublishAsync(twice, marker);
        await Eventually.EqualAsync(3L, () => Client.OrderCountAsync(sale.SaleId), "the marker persisted");

        Assert.Equal(1, await Client.ScalarAsync("SELECT count(*) FROM orders WHERE order_id = @o", ("o", twice.OrderId)));
        Assert.Equal(50 - 2 - 3 - 1, await Client.RemainingAsync(sale.SaleId));
        await Client.AssertReconcilesAsync(sale.SaleId);
        Assert.Equal(6, await Client.HoldingAsync(sale.SaleId, "dup-buyer"));
    }

    [Fact]
    public async Task An_oversell_attempt_is_refused_and_dead_lettered_and_the_ledger_never_goes_negative()
    {
        // Reservations the gate never accepted (it would have refused the third): 3 × 2 units of a 5-unit sale.
        var sale = await Client.ArmAsync(WorkerTestClient.Sale(quantity: 5));
        var reservations = Enumerable.Range(0, 3).Select(i => WorkerTestClient.Direct(sale.SaleId, $"over-{i}", 2)).ToList();

        await Client.PublishAsync(reservations);

        await Client.WaitForDeadLetterAsync(OrderingTopology.DeadLetterQueue, reservations[2].OrderId.ToString());
        Assert.Equal(2, await Client.OrderCountAsync(sale.SaleId));
        Assert.Equal(0, await Client.ScalarAsync("SELECT count(*) FROM orders WHERE order_id = @o", ("o", reservations[2].OrderId)));
        Assert.Equal(1, await Client.RemainingAsync(sale.SaleId));
        // The gate counts the two orders it never saw, so it agrees with the ledger.
        await Client.AssertReconcilesAsync(sale.SaleId);
        Assert.Equal(1, await Client.GateAsync(sale.SaleId, "stock"));
    }

    [Fact]
    public async Task Poison_messages_go_straight_to_the_dead_letter_queue_and_the_others_are_persisted()
    {
        var sale = await Client.ArmAsync(WorkerTestClient.Sale(quantity: 10));
        var notJson = Guid.NewGuid().ToString();
        var zeroUnits = WorkerTestClient.Direct(sale.SaleId, "poison-buyer", 1) with { Quantity = 0 };
        var good = (await Client.ReserveAsync(sale.SaleId, "poison-buyer", "p-1", 1))!;

        await Client.PublishRawAsync(Encoding.UTF8.GetBytes("this is not a reservation"), notJson);
        await Client.PublishRawAsync(WorkerTestClient.Body(zeroUnits), zeroUnits.OrderId.ToString());
        await Client.PublishAsync(good);

        await Client.WaitForDeadLetterAsync(OrderingTopology.DeadLetterQueue, notJson);
        await Client.WaitForDeadLetterAsync(OrderingTopology.DeadLetterQueue, zeroUnits.OrderId.ToString());
        await Eventually.EqualAsync(1L, () => Client.OrderCountAsync(sale.SaleId), "the good reservation persisted");
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
