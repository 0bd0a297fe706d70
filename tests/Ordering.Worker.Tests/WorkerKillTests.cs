using Shop.Testing;

namespace Shop.Ordering.Worker.Tests;

/// <summary>The worker dies (SIGKILL) while reservations stream in; it comes back and nothing is lost or doubled.</summary>
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
        var reservations = Enumerable.Range(0, Count).Select(i => WorkerTestClient.Direct(sale.SaleId, $"kill-buyer-{i % 500}", 1 + (i % 2))).ToList();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));

        // Paced, so that the worker is in the middle of the stream when it dies.
        var publishing = Client.PublishSurvivingOutagesAsync(reservations, chunkSize: 100, pause: TimeSpan.FromMilliseconds(40), deadline.Token);
        await Eventually.TrueAsync(async () => await Client.OrderCountAsync(sale.SaleId) >= 300, "the worker is persisting");
        // Aspire does not start a process that died (the old host did): the test starts it again once it is seen dead.
        var worker = fixture.App.Instances("ordering-worker").Single();
        await fixture.App.KillAndWaitExitedAsync(worker, TimeSpan.FromMinutes(1));
        var back = fixture.App.StartAgainAsync(worker, TimeSpan.FromMinutes(3), deadline.Token);
        await publishing;

        await back;
        await Eventually.EqualAsync((long)Count, () => Client.OrderCountAsync(sale.SaleId), "every reservation persisted", TimeSpan.FromSeconds(90));
        Assert.Equal(Count, await Client.ScalarAsync("SELECT count(*) FROM orders WHERE order_id = ANY(@ids)",
            ("ids", reservations.Select(r => r.OrderId).ToArray())));
        Assert.Equal(Stock - reservations.Sum(r => r.Quantity), await Client.RemainingAsync(sale.SaleId));
        Assert.Contains(fixture.WorkerLog(), line => line.Contains("Consuming ordering.reservations", StringComparison.Ordinal));
        await Client.AssertReconcilesAsync(sale.SaleId);
    }
}
