
namespace Shop.Ordering.Worker.Tests;

/// <summary>
/// RabbitMQ restarts while reservations stream in (its data survives: durable queue, persistent messages). The
/// worker's consumer recovers by itself; the publisher republishes whatever was not confirmed; nothing is lost.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class MessagingRestartTests(WorkerAppFixture fixture)
{
    private WorkerTestClient Client => fixture.Client;

    [Fact]
    public async Task The_consumer_recovers_after_RabbitMQ_restarts_mid_stream_and_nothing_is_lost()
    {
        const int Count = 2000;
        const int Stock = 100_000;
        var sale = await Client.ArmAsync(WorkerTestClient.Sale(quantity: Stock));
        var reservations = Enumerable.Range(0, Count).Select(i => WorkerTestClient.Direct(sale.SaleId, $"mq-buyer-{i % 400}", 1)).ToList();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));

        var publishing = Client.PublishSurvivingOutagesAsync(reservations, chunkSize: 50, pause: TimeSpan.FromMilliseconds(40), deadline.Token);
        await Eventually.TrueAsync(async () => await Client.OrderCountAsync(sale.SaleId) >= 200, "the worker is persisting");
        await fixture.App.RestartAsync("messaging", deadline.Token);
        await publishing;

        await Eventually.EqualAsync((long)Count, () => Client.OrderCountAsync(sale.SaleId), "every reservation persisted", TimeSpan.FromSeconds(90));
        Assert.Equal(Count, await Client.ScalarAsync("SELECT count(*) FROM orders WHERE order_id = ANY(@ids)",
            ("ids", reservations.Select(r => r.OrderId).ToArray())));
        Assert.Equal(Stock - Count, await Client.RemainingAsync(sale.SaleId));
        await Client.AssertReconcilesAsync(sale.SaleId);

        // Still consuming afterwards: a new sale is armed and a new reservation persisted.
        var after = await Client.ArmAsync(WorkerTestClient.Sale(quantity: 3));
        await Client.PublishAsync(WorkerTestClient.Direct(after.SaleId, "after-restart", 2));
        await Eventually.EqualAsync(1L, () => Client.RemainingAsync(after.SaleId), "a reservation after the restart persisted");
    }
}
