using Shop.Ordering.Core.Reconciliation;

namespace Shop.Ordering.Worker.Tests;

/// <summary>
/// The reconciler's per-buyer check reads the ledger alone: the buyers over a sale's limit in Confirmed and Paid orders.
/// Its incremental form (what the worker runs every round) looks only at the buyers of orders from a given id on, but
/// counts each such buyer's every order in the sale. The orders here are written straight into the ledger: the gate
/// never lets a buyer past the limit, so a breach can only be made by hand.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class BuyerLimitAuditTests(WorkerAppFixture fixture)
{
    private WorkerTestClient Client => fixture.Client;

    [Fact]
    public async Task The_incremental_check_finds_the_new_buyers_over_the_limit_counting_their_earlier_orders_and_nobody_else()
    {
        var sale = await Client.ArmAsync(WorkerTestClient.Sale(quantity: 100, perBuyerLimit: 3));
        var other = await Client.ArmAsync(WorkerTestClient.Sale(quantity: 100, perBuyerLimit: 3));
        var since = DateTimeOffset.UtcNow;
        var before = since - TimeSpan.FromSeconds(30);
        var after = since + TimeSpan.FromSeconds(1);
        var tag = Guid.NewGuid().ToString("N")[..8];
        string Buyer(string name) => $"audit-{tag}-{name}";

        // Over the limit only with an order from before `since`: counted, and reported.
        await InsertOrderAsync(sale.SaleId, Buyer("late"), 2, "Confirmed", before);
        await InsertOrderAsync(sale.SaleId, Buyer("late"), 2, "Paid", after);
        // Over the limit with orders from before `since` only: an earlier round's finding, not this round's.
        await InsertOrderAsync(sale.SaleId, Buyer("old"), 5, "Confirmed", before);
        // New, within the limit.
        await InsertOrderAsync(sale.SaleId, Buyer("within"), 3, "Confirmed", after);
        // New, over it only if orders that gave their units back counted.
        await InsertOrderAsync(sale.SaleId, Buyer("returned"), 2, "Confirmed", after);
        await InsertOrderAsync(sale.SaleId, Buyer("returned"), 5, "Expired", before);
        await InsertOrderAsync(sale.SaleId, Buyer("returned"), 5, "Cancelled", after);
        // Over the limit, but in another sale.
        await InsertOrderAsync(other.SaleId, Buyer("elsewhere"), 6, "Confirmed", after);
        await InsertOrderAsync(sale.SaleId, Buyer("elsewhere"), 1, "Confirmed", after);

        var reconciler = new StockReconciler(Client.Db, Client.RedisConnection, TimeProvider.System);
        var incremental = await reconciler.BuyersOverLimitAsync(sale.SaleId, StockReconciler.FirstOrderIdAt(since), CancellationToken.None);
        var everyBuyer = await reconciler.BuyersOverLimitAsync(sale.SaleId, buyersFrom: null, CancellationToken.None);

        Assert.Equal([new BuyerOverLimit(Buyer("late"), 4)], incremental.Where(b => b.BuyerId.StartsWith($"audit-{tag}-", StringComparison.Ordinal)));
        Assert.Equal([new BuyerOverLimit(Buyer("late"), 4), new BuyerOverLimit(Buyer("old"), 5)],
            everyBuyer.Where(b => b.BuyerId.StartsWith($"audit-{tag}-", StringComparison.Ordinal)));
        Assert.Equal([new BuyerOverLimit(Buyer("elsewhere"), 6)],
            await reconciler.BuyersOverLimitAsync(other.SaleId, StockReconciler.FirstOrderIdAt(since), CancellationToken.None));
    }

    private Task<int> InsertOrderAsync(Guid saleId, string buyerId, int quantity, string status, DateTimeOffset reservedAt) =>
        Client.ExecuteAsync("""
            INSERT INTO orders (order_id, stock_id, buyer_id, quantity, unit_price, idempotency_key, status, reserved_at, expires_at)
            VALUES (@id, @sale, @buyer, @quantity, 9.99, @key, @status, @reserved, @reserved + interval '10 minutes')
            """,
            // Order ids are UUIDv7 from the moment the gate accepted the reservation: the check's bound is one.
            ("id", Guid.CreateVersion7(reservedAt)), ("sale", saleId), ("buyer", buyerId), ("quantity", quantity),
            ("key", Guid.NewGuid().ToString("N")), ("status", status), ("reserved", reservedAt));
}
