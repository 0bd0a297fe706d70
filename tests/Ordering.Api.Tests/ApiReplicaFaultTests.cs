using Shop.Testing;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Shop.Ordering.Core.Redis;
using Shop.ServiceDefaults.Identity;

namespace Shop.Ordering.Api.Tests;

/// <summary>
/// An ordering-api replica dies right after the gate accepted reservations through it, while the worker is down too
/// (so none of them is in the ledger yet). A replica holds nothing of a reservation once it has answered 202: the
/// gate's stream has it, and the worker persists it when it is back. Nothing accepted may be lost.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class ApiReplicaFaultTests(PipelineFixture fixture)
{
    private ShopTestClient Shop => fixture.Shop;

    [Fact]
    public async Task Reservations_accepted_by_a_replica_that_dies_before_they_are_persisted_are_not_lost()
    {
        const int Stock = 40;
        var shop = fixture.App;
        var saleId = await Shop.ArmSaleAsync(Stock, perBuyerLimit: 1);

        // With the worker down, accepted reservations wait in the gate's stream.
        var worker = shop.Instances("ordering-worker").Single();
        await shop.KillAndWaitExitedAsync(worker, TimeSpan.FromMinutes(1));
        var replica0 = shop.Instances("ordering-api")[0];
        using var direct = new HttpClient { BaseAddress = replica0.HttpAddress };
        var accepted = new ConcurrentBag<Guid>();
        await Parallel.ForEachAsync(Enumerable.Range(0, Stock), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/flash-sales/{saleId}/orders")
            {
                Content = JsonContent.Create(new { quantity = 1 }),
            };
            request.Headers.Authorization = new("Bearer", Shop.Token($"fault-buyer-{i}"));
            request.Headers.Add("Idempotency-Key", $"fault-{i}");
            using var response = await direct.SendAsync(request);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            accepted.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("orderId").GetGuid());
        });
        var redis = await Shop.RedisAsync();
        Assert.True((long)await redis.ExecuteAsync("XLEN", (string)GateKeys.Reservations!) > 0, "the reservations should still be in the stream");

        // The replica dies; then the worker comes back, and so does the replica. (Aspire does not start a process that
        // died: both are started again explicitly.)
        await shop.KillAndWaitExitedAsync(replica0, TimeSpan.FromMinutes(1));
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await shop.StartAgainAsync(worker, TimeSpan.FromMinutes(3), timeout.Token);
        await shop.StartAgainAsync(replica0, TimeSpan.FromMinutes(3), timeout.Token);

        await Eventually.TrueAsync(async () => await Shop.ScalarAsync("SELECT count(*) FROM orders WHERE stock_id = @s", ("s", saleId)) == Stock,
            "every accepted reservation persisted", TimeSpan.FromSeconds(90));
        Assert.Equal(Stock, await Shop.ScalarAsync("SELECT count(DISTINCT order_id) FROM orders WHERE stock_id = @s AND order_id = ANY(@ids)",
            ("s", saleId), ("ids", accepted.ToArray())));
        Assert.Equal(0, await Shop.ScalarAsync("SELECT remaining FROM stocks WHERE stock_id = @s", ("s", saleId)));
        var admin = Shop.Token("admin-1", ShopRoles.Admin);
        await Eventually.TrueAsync(async () =>
            (await Shop.GetAsync<JsonElement>($"/api/admin/flash-sales/{saleId}/reconciliation", admin)).GetProperty("holds").GetBoolean(),
            "reconciliation holds", TimeSpan.FromSeconds(30));
    }
}
