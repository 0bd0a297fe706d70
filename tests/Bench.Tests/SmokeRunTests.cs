using Shop.Bench.Scenarios;

namespace Shop.Bench.Tests;

/// <summary>
/// A small, bounded run of the generator against the real composition (the bench's own start-up through the
/// test builder, with the ordering services and their servers only): what the generator reports must agree exactly
/// with the orders in orderingdb.
/// </summary>
public sealed class SmokeRunTests
{
    [Fact]
    public async Task The_generators_counts_agree_with_the_orders_in_the_database()
    {
        const int Units = 30, Buyers = 100, Limit = 1;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var log = new List<string>();
        // The sale needs ordering-api, the worker and their servers: only those are started.
        await using var shop = await BenchedShop.StartAsync(new AdmissionSettings(), log.Add, timeout.Token, only: ["ordering-api", "ordering-worker"]);
        var buyers = BuyerPool.Create(Buyers, shop.SigningKey);
        using var http = new LoadHttpClient(connectionsPerServer: 8);
        var context = new BenchContext(shop, buyers, http, new BenchOptions(), log.Add);

        // 200 requests/s for 2 s from 100 buyers: each buyer tries four times, one unit each, limit one.
        var sale = await SaleScenario.RunAsync(context, new ShopSystem(shop), new SaleSpec("smoke", Units, Limit, 200, TimeSpan.FromSeconds(2)), timeout.Token);
        var result = sale.Result;

        // Every request was sent and answered, and every answer was a decision.
        Assert.Equal(400, result.Scheduled);
        Assert.Equal(400, result.Sent);
        Assert.Equal(0, result.GeneratorOverruns);
        Assert.Equal(400, result.Completed);
        Assert.Equal(0, result.Count("error"));
        Assert.Equal(0, result.Count("shed"));
        Assert.Equal(400, result.Count("reserved") + result.Count("sold-out") + result.Count("over-limit"));
        Assert.Equal(Units, result.Count("reserved"));
        Assert.True(result.Count("sold-out") > 0);

        // The database holds exactly the accepted orders: same ids, same count, same units.
        var rows = new List<(Guid OrderId, string Buyer, int Quantity)>();
        await using (var command = shop.OrderingDb.CreateCommand("SELECT order_id, buyer_id, quantity FROM orders WHERE stock_id = @s"))
        {
            command.Parameters.AddWithValue("s", sale.SaleId);
            await using var reader = await command.ExecuteReaderAsync(timeout.Token);
            while (await reader.ReadAsync(timeout.Token))
            {
                rows.Add((reader.GetGuid(0), reader.GetString(1), reader.GetInt32(2)));
            }
        }
        Assert.Equal(Units, rows.Count);
        Assert.Equal(Units, rows.Sum(r => r.Quantity));
        Assert.Equal(sale.Accepted.Select(a => a.OrderId).Order(), rows.Select(r => r.OrderId).Order());
        Assert.Equal(sale.Accepted.Select(a => (a.OrderId, a.BuyerId)).Order(), rows.Select(r => (r.OrderId, r.Buyer)).Order());

        // And the bench's own audit says so too.
        var audit = result.Audit!;
        Assert.True(audit.Drained);
        Assert.Equal(Units, audit.AcceptedOrders);
        Assert.Equal(Units, audit.OrdersInDatabase);
        Assert.Equal(0, audit.Oversell);
        Assert.Equal(0, audit.Duplicates);
        Assert.Equal(0, audit.Lost);
        Assert.Equal(0, audit.Unacknowledged);
        Assert.Equal(0, audit.BuyersOverLimit);
        Assert.True(audit.LedgerAgrees);
        Assert.NotNull(result.TimeToSellOutMs);
        Assert.NotNull(result.TimeToDurableMs);
    }
}
