
namespace Shop.Ordering.Worker.Tests;

/// <summary>
/// RabbitMQ restarts while reservations stream in. Reservations do not pass through it (the worker reads the gate's
/// stream), so none waits for it and none is lost; the catalog events' consumer recovers by itself, and a sale
/// announced afterwards is armed.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class MessagingRestartTests(WorkerAppFixture fixture)
{
    private WorkerTestClient Client => fixture.Client;

    [Fact]
    public async Task Reservations_keep_becoming_orders_while_RabbitMQ_restarts_and_catalog_events_arrive_after_it()
    {
        const int Count = 2000;
        const int Stock = 100_000;
        var sale = await Client.ArmAsync(WorkerTestClient.Sale(quantity: Stock));
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));

        var reserving = Client.ReserveManyAsync(sale.SaleId, Count, i => ($"mq-buyer-{i % 400}", 1), chunkSize: 50, pause: TimeSpan.FromMilliseconds(40));
        await Eventually.TrueAsync(async () => await Client.OrderCountAsync(sale.SaleId) >= 200, "the worker is persisting");
        await fixture.App.RestartAsync("messaging", deadline.Token);
        var reservations = await reserving;

        await Eventually.EqualAsync((long)Count, () => Client.OrderCountAsync(sale.SaleId), "every reservation persisted", TimeSpan.FromSeconds(90));
        Assert.Equal(Count, await Client.ScalarAsync("SELECT count(*) FROM orders WHERE order_id = ANY(@ids)",
            ("ids", reservations.Select(r => r.OrderId).ToArray())));
        Assert.Equal(Stock - Count, await Client.RemainingAsync(sale.SaleId));
        await Client.AssertReconcilesAsync(sale.SaleId);

        // The catalog events' consumer is back: a new sale is armed, and a reservation of it persisted.
        var after = await Client.ArmAsync(WorkerTestClient.Sale(quantity: 3));
        Assert.NotNull(await Client.ReserveAsync(after.SaleId, "after-restart", "k", 2));
        await Eventually.EqualAsync(1L, () => Client.RemainingAsync(after.SaleId), "a reservation after the restart persisted");
    }
}
