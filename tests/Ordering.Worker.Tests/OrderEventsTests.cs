using Shop.IntegrationEvents;
using Shop.Ordering.Core.Checkout;

namespace Shop.Ordering.Worker.Tests;

/// <summary>
/// The events Ordering publishes on shop.events, as a subscriber sees them: each order's confirmation and expiry
/// (OrderStatusChanged, from the outbox written in the transaction that made the change), and the stock figures of
/// the items a checkout moved (ItemStocksChanged, coalesced), which follow the units out and back in.
/// </summary>
[Collection(ExpiryCollection.Name)]
public sealed class OrderEventsTests(ExpiryFixture fixture)
{
    private WorkerTestClient Client => fixture.Client;

    [Fact]
    public async Task Confirmed_and_expired_orders_are_announced_and_the_item_figures_follow_the_units()
    {
        var queue = await Client.SubscribeAsync(EventTopology.OrderStatusRoutingKeyPrefix + "*", EventTopology.ItemStocksChangedRoutingKey);
        try
        {
            var itemId = Random.Shared.Next(100_000, 999_999);
            var stockId = await Client.ArmItemAsync(itemId, stock: 10);
            var sale = await Client.ArmAsync(WorkerTestClient.Sale(quantity: 5));
            var order = (await Client.ReserveAsync(sale.SaleId, "announced-buyer", "ev-1", 2))!;
            var checkout = await Client.Gate.CheckoutAsync("announced-shopper", "ev-2", [new CheckoutItem(itemId, 3)]);
            Assert.Equal(CheckoutOutcome.Accepted, checkout.Outcome);

            // Confirmed: both orders, as they were persisted (the checkout as its line, carrying the checkout's id).
            await Eventually.TrueAsync(async () => Lines(await Client.OrderEventsAsync(queue), OrderEventStatus.Confirmed).Count(l =>
                    l == new OrderStatusLine(order.OrderId, null, "announced-buyer", sale.SaleId, 2)
                    || l is { CheckoutId: var id, BuyerId: "announced-shopper", Units: 3 } && id == checkout.OrderId && l.StockId == stockId) == 2,
                "both orders announced as confirmed");
            Assert.Equal($"{EventTopology.OrderStatusRoutingKeyPrefix}confirmed",
                (await Client.ReceivedAsync(queue)).First(m => m.Type == EventTopology.OrderStatusChangedType).RoutingKey);
            // Catalog's figure of the item: the 3 units are gone...
            await Eventually.EqualAsync(7L, async () => LatestFigure(await Client.ItemStockEventsAsync(queue), itemId), "the item's figure after the checkout");

            // ...and back when the unpaid checkout expires (3 s here); both expiries are announced.
            await Eventually.TrueAsync(async () =>
                {
                    var expired = Lines(await Client.OrderEventsAsync(queue), OrderEventStatus.Expired);
                    return expired.Any(l => l.OrderId == order.OrderId) && expired.Any(l => l.CheckoutId == checkout.OrderId);
                },
                "both orders announced as expired", TimeSpan.FromSeconds(20));
            await Eventually.EqualAsync(10L, async () => LatestFigure(await Client.ItemStockEventsAsync(queue), itemId), "the item's figure after the expiry");

            // Published rows leave the outbox; the item's change rows are deleted once their figure went out.
            await Eventually.EqualAsync(0L, () => Client.ScalarAsync("SELECT count(*) FROM item_stock_changes WHERE stock_id = @s", ("s", stockId)),
                "the item's change rows covered");
            await Eventually.EqualAsync(0L, () => Client.ScalarAsync("SELECT count(*) FROM outbox_messages"), "the outbox drained");
        }
        finally
        {
            await Client.DeleteQueueAsync(queue);
        }
    }

    private static List<OrderStatusLine> Lines(IEnumerable<OrderStatusChanged> events, OrderEventStatus status) =>
        [.. events.Where(e => e.Status == status).SelectMany(e => e.Orders)];

    /// <summary>The figure of the latest event that names the item (-1 before any does).</summary>
    private static long LatestFigure(IEnumerable<ItemStocksChanged> events, int itemId) =>
        events.Where(e => e.Items.Any(i => i.ItemId == itemId)).OrderBy(e => e.OccurredAt)
            .Select(e => e.Items.First(i => i.ItemId == itemId).Available).LastOrDefault(-1);
}
