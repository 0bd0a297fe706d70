
namespace Shop.Ordering.Worker.Tests;

/// <summary>
/// RabbitMQ restarts while reservations stream in. Reservations do not pass through it (the worker reads the gate's
/// stream), so none waits for it and none is lost; the catalog events' consumer recovers by itself, and a sale
/// announced afterwards is armed. Every order is still announced as confirmed: the events written to the outbox while
/// the broker was away are published when it is back.
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
        var events = await Client.SubscribeAsync(Shop.IntegrationEvents.EventTopology.OrderStatusRoutingKey(Shop.IntegrationEvents.OrderEventStatus.Confirmed));

        var reserving = Client.ReserveManyAsync(sale.SaleId, Count, i => ($"mq-buyer-{i % 400}", 1), chunkSize: 50, pause: TimeSpan.FromMilliseconds(40));
        await Eventually.TrueAsync(async () => await Client.OrderCountAsync(sale.SaleId) >= 200, "the worker is persisting");
        await fixture.App.RestartAsync("messaging", deadline.Token);
        var reservations = await reserving;

        await Eventually.EqualAsync((long)Count, () => Client.OrderCountAsync(sale.SaleId), "every reservation persisted", TimeSpan.FromSeconds(90));
        Assert.Equal(Count, await Client.ScalarAsync("SELECT count(*) FROM orders WHERE order_id = ANY(@ids)",
            ("ids", reservations.Select(r => r.OrderId).ToArray())));
        Assert.Equal(Stock - Count, await Client.RemainingAsync(sale.SaleId));
        await Client.AssertReconcilesAsync(sale.SaleId);
        // Announced at least once each, none lost to the restart (repeats are allowed: subscribers drop them by event id).
        var ordered = reservations.Select(r => r.OrderId).ToHashSet();
        await Eventually.EqualAsync(Count, async () => (await Client.OrderEventsAsync(events)).SelectMany(e => e.Orders)
            .Select(o => o.OrderId).Where(ordered.Contains).Distinct().Count(), "every order announced as confirmed", TimeSpan.FromSeconds(60));
        await Client.DeleteQueueAsync(events);

        // The catalog events' consumer is back: a new sale is armed, and a reservation of it persisted.
        var after = await Client.ArmAsync(WorkerTestClient.Sale(quantity: 3));
        Assert.NotNull(await Client.ReserveAsync(after.SaleId, "after-restart", "k", 2));
        await Eventually.EqualAsync(1L, () => Client.RemainingAsync(after.SaleId), "a reservation after the restart persisted");
    }
}
