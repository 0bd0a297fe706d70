using Shop.Ordering.Core.Redis;
using Shop.Testing;
using StackExchange.Redis;

namespace Shop.Ordering.Worker.Tests;

/// <summary>
/// The worker dies (SIGKILL) while reservations stream in, holding entries it has read and not settled; it comes back
/// (the same consumer name), reads those first, and nothing is lost or doubled. A consumer that never comes back has
/// its entries taken over by the live one.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class WorkerKillTests(WorkerAppFixture fixture)
{
    private WorkerTestClient Client => fixture.Client;

    [Fact]
    public async Task The_worker_killed_mid_stream_persists_every_reservation_exactly_once_after_it_restarts()
    {
        const int Count = 3000;
        const int Stock = 100_000;
        var sale = await Client.ArmAsync(WorkerTestClient.Sale(quantity: Stock));
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));

        // Paced, so that the worker is in the middle of the stream when it dies.
        var reserving = Client.ReserveManyAsync(sale.SaleId, Count, i => ($"kill-buyer-{i % 500}", 1 + (i % 2)), chunkSize: 100, pause: TimeSpan.FromMilliseconds(40));
        await Eventually.TrueAsync(async () => await Client.OrderCountAsync(sale.SaleId) >= 300, "the worker is persisting");
        // Aspire does not start a process that died (the old host did): the test starts it again once it is seen dead.
        var worker = fixture.App.Instances("ordering-worker").Single();
        await fixture.App.KillAndWaitExitedAsync(worker, TimeSpan.FromMinutes(1));
        var back = fixture.App.StartAgainAsync(worker, TimeSpan.FromMinutes(3), deadline.Token);
        var reservations = await reserving;

        await back;
        await Eventually.EqualAsync((long)Count, () => Client.OrderCountAsync(sale.SaleId), "every reservation persisted", TimeSpan.FromSeconds(90));
        Assert.Equal(Count, await Client.ScalarAsync("SELECT count(*) FROM orders WHERE order_id = ANY(@ids)",
            ("ids", reservations.Select(r => r.OrderId).ToArray())));
        Assert.Equal(Stock - reservations.Sum(r => r.Quantity), await Client.RemainingAsync(sale.SaleId));
        Assert.Equal(0, await Client.GateAsync(sale.SaleId, "pending"));
        await Client.AssertReconcilesAsync(sale.SaleId);
    }

    [Fact]
    public async Task Entries_a_dead_consumer_read_and_never_settled_are_taken_over_and_persisted_once()
    {
        var sale = await Client.ArmAsync(WorkerTestClient.Sale(quantity: 100));
        // Another consumer of the worker's group (a second worker, say) reads entries and dies before settling them.
        // The worker is stopped meanwhile, so that the other one certainly gets them.
        const string Ghost = "ghost-consumer";
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var worker = fixture.App.Instances("ordering-worker").Single();
        await fixture.App.KillAndWaitExitedAsync(worker, TimeSpan.FromMinutes(1));
        var reservations = await Client.ReserveManyAsync(sale.SaleId, 20, i => ($"ghost-buyer-{i}", 1));
        var taken = await Client.Redis.StreamReadGroupAsync(GateKeys.Reservations, "ledger", Ghost, StreamPosition.NewMessages, 100);
        Assert.Equal(reservations.Select(r => r.OrderId.ToString("N")), taken.Select(e => (string?)e["orderId"]));
        await fixture.App.StartAgainAsync(worker, TimeSpan.FromMinutes(3), deadline.Token);

        // ClaimAfter (3 s in this fixture) later the worker takes them over; each is persisted once, then settled.
        await Eventually.EqualAsync((long)reservations.Count, () => Client.OrderCountAsync(sale.SaleId), "every reservation persisted", TimeSpan.FromSeconds(60));
        await Eventually.EqualAsync(0, async () => (await Client.Redis.StreamPendingMessagesAsync(GateKeys.Reservations, "ledger", 100, Ghost)).Length,
            "nothing left with the dead consumer");
        Assert.Equal(reservations.Count, await Client.ScalarAsync("SELECT count(*) FROM orders WHERE order_id = ANY(@ids)",
            ("ids", reservations.Select(r => r.OrderId).ToArray())));
        Assert.Contains(fixture.WorkerLog(), line => line.Contains("Took over 20 reservations", StringComparison.Ordinal));
        await Eventually.EqualAsync(0L, () => Client.GateAsync(sale.SaleId, "pending"), "every entry settled");
        await Client.AssertReconcilesAsync(sale.SaleId);
    }
}
