using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Shop.Ordering.Core.Redis;
using Shop.ServiceDefaults.Identity;

namespace Shop.Ordering.Api.Tests;

/// <summary>Many buyers at once, with retries, on a small stock: every unit is sold exactly once.</summary>
[Collection(PipelineCollection.Name)]
public sealed class BuyConcurrencyTests(PipelineFixture fixture)
{
    private ShopTestClient Shop => fixture.Shop;

    [Fact]
    public async Task Concurrent_attempts_with_repeated_keys_sell_the_stock_exactly_once()
    {
        const int Stock = 50, Limit = 2, Buyers = 120, KeysPerBuyer = 3, SendsPerKey = 3;
        var saleId = await Shop.ArmSaleAsync(Stock, Limit);
        var attempts = (from buyer in Enumerable.Range(0, Buyers)
                        from key in Enumerable.Range(0, KeysPerBuyer)
                        from send in Enumerable.Range(0, SendsPerKey)
                        select (Buyer: $"buyer-{buyer}", Key: $"b{buyer}-k{key}")).OrderBy(_ => Random.Shared.Next()).ToList();
        var tokens = Enumerable.Range(0, Buyers).ToDictionary(b => $"buyer-{b}", b => Shop.Token($"buyer-{b}"));
        var answers = new ConcurrentBag<(string Buyer, string Key, HttpStatusCode Status, Guid? OrderId, string? Type)>();

        await Parallel.ForEachAsync(attempts, new ParallelOptions { MaxDegreeOfParallelism = 48 }, async (attempt, _) =>
        {
            using var response = await Shop.BuyAsync(saleId, tokens[attempt.Buyer], attempt.Key, "{\"quantity\":1}");
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            answers.Add((attempt.Buyer, attempt.Key, response.StatusCode,
                response.StatusCode == HttpStatusCode.Accepted ? body.GetProperty("orderId").GetGuid() : null,
                body.TryGetProperty("type", out var type) ? type.GetString() : null));
        });

        Assert.Equal(Buyers * KeysPerBuyer * SendsPerKey, answers.Count);
        Assert.All(answers, a => Assert.True(a.Status is HttpStatusCode.Accepted or HttpStatusCode.Conflict, $"{a.Status} {a.Type}"));
        var accepted = answers.Where(a => a.OrderId is not null).ToList();
        // Every repeat of a key got the first answer: one order per key, never a second unit.
        Assert.All(accepted.GroupBy(a => a.Key), key => Assert.Single(key.Select(a => a.OrderId).Distinct()));
        var orders = accepted.Select(a => (a.Buyer, OrderId: a.OrderId!.Value)).Distinct().ToList();
        Assert.Equal(Stock, orders.Count);
        Assert.All(orders.GroupBy(o => o.Buyer), buyer => Assert.InRange(buyer.Count(), 1, Limit));
        Assert.Contains(answers, a => a.Type == "urn:shop:problem:sold-out");

        // Every accepted reservation becomes exactly one durable order; the ledger and the gate agree.
        await Eventually.TrueAsync(async () => await Shop.ScalarAsync("SELECT count(*) FROM orders WHERE stock_id = @s", ("s", saleId)) == Stock,
            "all orders persisted", TimeSpan.FromSeconds(60));
        await using var command = (await Shop.OrderingDbAsync()).CreateCommand("SELECT order_id, buyer_id, quantity FROM orders WHERE stock_id = @s");
        command.Parameters.AddWithValue("s", saleId);
        var rows = new List<(Guid OrderId, string Buyer, int Quantity)>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                rows.Add((reader.GetGuid(0), reader.GetString(1), reader.GetInt32(2)));
            }
        }
        Assert.Equal(orders.OrderBy(o => o.OrderId), rows.Select(r => (r.Buyer, r.OrderId)).OrderBy(o => o.OrderId));
        Assert.All(rows, r => Assert.Equal(1, r.Quantity));
        Assert.Equal(0, await Shop.ScalarAsync("SELECT remaining FROM stocks WHERE stock_id = @s", ("s", saleId)));
        var redis = await Shop.RedisAsync();
        Assert.Equal(0, (long)await redis.HashGetAsync(GateKeys.Stock(saleId), "stock"));

        var admin = Shop.Token("admin-1", ShopRoles.Admin);
        await Eventually.TrueAsync(async () =>
        {
            var report = await Shop.GetAsync<JsonElement>($"/api/admin/flash-sales/{saleId}/reconciliation", admin);
            return report.GetProperty("holds").GetBoolean() && report.GetProperty("inFlight").GetInt64() == 0 && report.GetProperty("sold").GetInt32() == Stock;
        }, "reconciliation holds with everything sold", TimeSpan.FromSeconds(30));
    }
}
