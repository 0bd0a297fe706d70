using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Shop.ServiceDefaults.Identity;
using Shop.Testing;
using Xunit.Abstractions;

namespace Shop.Ordering.Api.Tests;

/// <summary>
/// The gate's redis-server is killed (SIGKILL) in the middle of a sale with many buyers at once, and started again
/// with Aspire's start command. The gate writes every change to its append-only file and fsyncs it before it
/// answers (<c>appendfsync always</c>), so what it answered is still there when it comes back: every 202 becomes
/// exactly one durable order, nothing is sold twice, and buying goes on. While it is down, buyers get a 503
/// problem+json (or a 429 while the API sheds the load piling up), never a 500.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class GateKillTests(PipelineFixture fixture, ITestOutputHelper output)
{
    private const int Stock = 1500, Limit = 3, Buyers = 1000, KeysPerBuyer = 3, Concurrency = 32;

    /// <summary>Longer than StackExchange.Redis's 5-second command timeout: requests waiting for the gate get their 503.</summary>
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(7);

    private ShopTestClient Shop => fixture.Shop;

    private sealed record Answer(string Buyer, string Key, HttpStatusCode Status, string? ContentType, string? Type, Guid? OrderId, TimeSpan At);

    [Fact]
    public async Task Every_202_survives_a_killed_gate_as_exactly_one_order_and_buying_resumes()
    {
        var shop = fixture.App;
        var saleId = await Shop.ArmSaleAsync(Stock, Limit);
        // 3,000 purchase attempts (a key each) for 1,500 units; each attempt is retried with its key, as a client
        // would, until it gets a final answer (202 or 409): 503 and 429 are "try again".
        var attempts = (from buyer in Enumerable.Range(0, Buyers)
                        from key in Enumerable.Range(0, KeysPerBuyer)
                        select (Buyer: $"gk-buyer-{buyer}", Key: $"gk-{buyer}-{key}")).OrderBy(_ => Random.Shared.Next()).ToList();
        var tokens = Enumerable.Range(0, Buyers).ToDictionary(b => $"gk-buyer-{b}", b => Shop.Token($"gk-buyer-{b}"));
        var answers = new ConcurrentQueue<Answer>();
        var clock = Stopwatch.StartNew();
        var accepted = 0;
        var killNow = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var giveUp = new CancellationTokenSource(TimeSpan.FromMinutes(3));

        var traffic = Parallel.ForEachAsync(attempts, new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = giveUp.Token }, async (attempt, ct) =>
        {
            while (true)
            {
                var answer = await BuyAsync(saleId, tokens[attempt.Buyer], attempt.Buyer, attempt.Key, clock);
                answers.Enqueue(answer);
                if (answer.Status == HttpStatusCode.Accepted && Interlocked.Increment(ref accepted) == Stock / 4)
                {
                    killNow.TrySetResult();
                }
                if (answer.Status is not (HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests))
                {
                    return;
                }
                await Task.Delay(200, ct);
            }
        });

        // A quarter of the stock sold: the gate's process dies (no shutdown, no last write), and stays dead a while.
        await killNow.Task.WaitAsync(TimeSpan.FromMinutes(1));
        var gate = shop.Instances("gate").Single();
        await shop.KillAndWaitExitedAsync(gate, TimeSpan.FromMinutes(1));
        var killedAt = clock.Elapsed;
        // Meanwhile the stock endpoints say the gate is away (the shared dependency filter): 503 problem+json, never a 500.
        var stockWhileDown = StockAnswersAsync(saleId);
        await Task.Delay(Outage);
        var restartedAt = clock.Elapsed;
        await shop.StartAgainAsync(gate, TimeSpan.FromMinutes(2));
        await traffic;
        foreach (var (path, status, type, retryAfter) in await stockWhileDown)
        {
            Assert.True(status == HttpStatusCode.ServiceUnavailable && type == "urn:shop:problem:unavailable" && retryAfter,
                $"{path} while the gate was down: {(int)status} {type}, Retry-After {retryAfter}");
        }

        var all = answers.ToList();
        var summary = string.Join(", ", all.GroupBy(a => (a.Status, a.Type)).Select(g => $"{(int)g.Key.Status} {g.Key.Type}: {g.Count()}"));
        output.WriteLine($"gate killed at {killedAt.TotalSeconds:F1} s, started again at {restartedAt.TotalSeconds:F1} s, traffic done at {clock.Elapsed.TotalSeconds:F1} s; {all.Count} answers: {summary}");
        // Only the answers a buyer may get: no 500, no other 5xx. Every refusal is problem+json with its type.
        Assert.All(all, a => Assert.True(
            a.Status is HttpStatusCode.Accepted or HttpStatusCode.Conflict or HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable,
            $"{(int)a.Status} {a.Type} at {a.At.TotalSeconds:F1} s ({summary})"));
        Assert.All(all.Where(a => a.Status != HttpStatusCode.Accepted), a => Assert.Equal("application/problem+json", a.ContentType));
        Assert.All(all.Where(a => a.Status == HttpStatusCode.ServiceUnavailable),
            a => Assert.Contains(a.Type, (string[])["urn:shop:problem:unavailable", "urn:shop:problem:gate-restoring"]));
        Assert.All(all.Where(a => a.Status == HttpStatusCode.Conflict),
            a => Assert.Contains(a.Type, (string[])["urn:shop:problem:sold-out", "urn:shop:problem:over-limit"]));
        // The outage was seen on the buy path: requests in it were answered 503, not held until the gate came back.
        Assert.Contains(all, a => a.Status == HttpStatusCode.ServiceUnavailable && a.At > killedAt && a.At < restartedAt + TimeSpan.FromSeconds(2));

        // Every attempt ended with a final answer; a key's 202s (a first answer and its repeats) all name one order.
        var finals = all.GroupBy(a => a.Key).Select(g => g.Last()).ToList();
        Assert.Equal(attempts.Count, finals.Count);
        Assert.All(finals, a => Assert.True(a.Status is HttpStatusCode.Accepted or HttpStatusCode.Conflict, $"{a.Key} ended with {(int)a.Status} {a.Type}"));
        var acceptedKeys = all.Where(a => a.OrderId is not null).GroupBy(a => a.Key).ToList();
        Assert.All(acceptedKeys, key => Assert.Single(key.Select(a => a.OrderId).Distinct()));
        Assert.All(acceptedKeys, key => Assert.Equal(HttpStatusCode.Accepted, key.Last().Status));
        var answeredOrders = acceptedKeys.Select(k => (Buyer: k.First().Buyer, Key: k.Key, OrderId: k.First().OrderId!.Value)).ToList();
        Assert.InRange(answeredOrders.Count, 1, Stock);

        // A retried purchase gets its first answer, also when the gate accepted it before it died (its answers are
        // in the append-only file too): the same order, not a second one, and not "sold out".
        var beforeKill = all.Where(a => a.OrderId is not null && a.At < killedAt).ToList();
        Assert.NotEmpty(beforeKill);
        var repeats = new ConcurrentBag<(Answer First, Answer Again)>();
        await Parallel.ForEachAsync(beforeKill, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (first, _) =>
            repeats.Add((first, await BuyAsync(saleId, tokens[first.Buyer], first.Buyer, first.Key, clock))));
        Assert.All(repeats, r => Assert.True(r.Again.Status == HttpStatusCode.Accepted && r.Again.OrderId == r.First.OrderId,
            $"{r.First.Key} accepted as {r.First.OrderId} before the kill, then: {(int)r.Again.Status} {r.Again.Type} {r.Again.OrderId}"));

        // The ledger: exactly the orders that were answered 202, each once, never more units than the stock.
        await Eventually.TrueAsync(async () => await Shop.ScalarAsync("SELECT count(*) FROM orders WHERE stock_id = @s", ("s", saleId)) >= answeredOrders.Count,
            $"the {answeredOrders.Count} orders answered 202 persisted", TimeSpan.FromSeconds(90));
        await Task.Delay(TimeSpan.FromSeconds(2)); // nothing else arrives late
        var rows = await OrdersAsync(saleId);
        Assert.Equal(answeredOrders.Select(o => o.OrderId).Order(), rows.Select(r => r.OrderId).Order());
        Assert.Equal(answeredOrders.Select(o => (o.Buyer, o.Key)).Order(), rows.Select(r => (r.Buyer, r.Key)).Order());
        Assert.All(rows, r => Assert.Equal(1, r.Quantity));
        Assert.All(rows.GroupBy(r => r.Buyer), buyer => Assert.InRange(buyer.Count(), 1, Limit));
        var sold = rows.Sum(r => r.Quantity);
        Assert.InRange(sold, 1, Stock);
        Assert.Equal(Stock - sold, await Shop.ScalarAsync("SELECT remaining FROM stocks WHERE stock_id = @s", ("s", saleId)));
        var admin = Shop.Token("admin-1", ShopRoles.Admin);
        await Eventually.TrueAsync(async () =>
        {
            var report = await Shop.GetAsync<JsonElement>($"/api/admin/flash-sales/{saleId}/reconciliation", admin);
            return report.GetProperty("holds").GetBoolean() && report.GetProperty("inFlight").GetInt64() == 0 && report.GetProperty("sold").GetInt32() == sold;
        }, "reconciliation holds with every persisted order sold", TimeSpan.FromSeconds(30));

        // Buying goes on: once both replicas report the gate healthy, a new buy is a 202 or a clean sold-out 409.
        foreach (var replica in shop.Instances("ordering-api"))
        {
            using var health = new HttpClient { BaseAddress = replica.HttpAddress };
            await Eventually.TrueAsync(async () => (await health.GetAsync("/health")).StatusCode == HttpStatusCode.OK, $"{replica.Name} healthy", TimeSpan.FromSeconds(60));
        }
        for (var i = 0; i < 20; i++)
        {
            var answer = await BuyAsync(saleId, Shop.Token($"gk-after-{i}"), $"gk-after-{i}", $"gk-after-{i}", clock);
            Assert.True(answer.Status == HttpStatusCode.Accepted || (answer.Status == HttpStatusCode.Conflict && answer.Type == "urn:shop:problem:sold-out"),
                $"after the restart: {(int)answer.Status} {answer.Type}");
        }
        var after = await Shop.ArmSaleAsync(10, perBuyerLimit: 1);
        var fresh = await BuyAsync(after, Shop.Token("gk-after-sale"), "gk-after-sale", "gk-after-sale", clock);
        Assert.Equal(HttpStatusCode.Accepted, fresh.Status);
        await Eventually.TrueAsync(async () => await Shop.ScalarAsync("SELECT count(*) FROM orders WHERE order_id = @o", ("o", fresh.OrderId!.Value)) == 1,
            "a sale after the restart persists its orders", TimeSpan.FromSeconds(30));
    }

    private async Task<Answer> BuyAsync(Guid saleId, string token, string buyer, string key, Stopwatch clock)
    {
        using var response = await Shop.BuyAsync(saleId, token, key, "{\"quantity\":1}");
        var text = await response.Content.ReadAsStringAsync();
        using var body = text.Length > 0 ? JsonDocument.Parse(text) : null;
        var root = body?.RootElement;
        return new Answer(buyer, key, response.StatusCode, response.Content.Headers.ContentType?.MediaType,
            root is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty("type", out var type) ? type.GetString() : null,
            response.StatusCode == HttpStatusCode.Accepted ? root!.Value.GetProperty("orderId").GetGuid() : null,
            clock.Elapsed);
    }

    // All at once, so that every answer comes within the outage (each waits at most Redis's 5 s command timeout). Not
    // /api/stock/items: with no item stock in this ledger it asks the gate nothing.
    private Task<(string Path, HttpStatusCode Status, string? Type, bool RetryAfter)[]> StockAnswersAsync(Guid saleId) =>
        Task.WhenAll(new[] { $"/api/flash-sales/{saleId}/stock", "/api/stock/items/1" }.Select(async path =>
        {
            using var response = await Shop.Http.GetAsync(path);
            var text = await response.Content.ReadAsStringAsync();
            using var body = text.StartsWith('{') ? JsonDocument.Parse(text) : null;
            return (path, response.StatusCode,
                body?.RootElement.TryGetProperty("type", out var type) == true ? type.GetString() : null, response.Headers.RetryAfter is not null);
        }));

    private async Task<List<(Guid OrderId, string Buyer, string Key, int Quantity)>> OrdersAsync(Guid saleId)
    {
        await using var command = (await Shop.OrderingDbAsync()).CreateCommand("SELECT order_id, buyer_id, idempotency_key, quantity FROM orders WHERE stock_id = @s");
        command.Parameters.AddWithValue("s", saleId);
        var rows = new List<(Guid, string, string, int)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3)));
        }
        return rows;
    }
}
