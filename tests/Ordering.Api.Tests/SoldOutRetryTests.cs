using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Aspire.Hosting.Testing;
using Shop.Ordering.Api.Admission;
using Shop.Ordering.Core.Redis;
using StackExchange.Redis;
using Shop.ServiceDefaults.Problems;

namespace Shop.Ordering.Api.Tests;

/// <summary>
/// A retry of an accepted purchase always gets its first answer (docs/architecture.md, "HTTP APIs"), during the
/// sell-out and after it, on either replica; the sold-out storm is still answered in-process, without a Redis call per
/// request.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class SoldOutRetryTests(PipelineFixture fixture) : IDisposable
{
    private const string Body = "{\"quantity\":1}";

    private readonly HttpClient[] _replicas = [.. fixture.App.Instances("ordering-api")
        .Select(replica => new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 32 }) { BaseAddress = replica.HttpAddress })];

    private const string GateResource = "gate";

    private ConnectionMultiplexer? _admin;

    private ShopTestClient Shop => fixture.Shop;

    [Fact]
    public async Task Retries_of_accepted_keys_get_their_order_during_and_after_the_sell_out_on_both_replicas()
    {
        Assert.Equal(2, _replicas.Length);
        const int Stock = 200, Buyers = 1_000;
        var saleId = await Shop.ArmSaleAsync(Stock, perBuyerLimit: 1);
        var buyers = Enumerable.Range(0, Buyers).Select(b => (Id: $"retrier-{b}", Key: $"r{b}-{Guid.NewGuid():N}", Token: Shop.Token($"retrier-{b}"))).ToList();

        // The storm: every buyer once, a third of them sent again at once on the other replica (a retry after a timeout).
        var sends = buyers.SelectMany((b, i) => i % 3 == 0 ? new[] { (b, Replica: i % 2), (b, Replica: (i + 1) % 2) } : [(b, Replica: i % 2)])
            .OrderBy(_ => Random.Shared.Next()).ToList();
        var storm = new ConcurrentBag<(string Key, HttpStatusCode Status, Guid? OrderId)>();
        await Parallel.ForEachAsync(sends, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (send, _) =>
        {
            var (status, orderId) = await BuyAsync(_replicas[send.Replica], saleId, send.b.Token, send.b.Key);
            storm.Add((send.b.Key, status, orderId));
        });
        Assert.All(storm, a => Assert.True(a.Status is HttpStatusCode.Accepted or HttpStatusCode.Conflict, $"{a.Status}"));
        var accepted = storm.Where(a => a.OrderId is not null).GroupBy(a => a.Key).ToDictionary(g => g.Key, g => g.Select(a => a.OrderId!.Value).Distinct().Single());
        Assert.Equal(Stock, accepted.Count);
        // No key that was accepted was ever told "sold out".
        var contradicted = storm.Where(a => a.OrderId is null && accepted.ContainsKey(a.Key)).ToList();
        Assert.True(contradicted.Count == 0, $"{contradicted.Count} sends of accepted keys were answered 409");

        // Let the pipeline settle so that only the buy path calls scripts in the gate while we count.
        var redis = await Shop.RedisAsync();
        await Eventually.TrueAsync(async () => (long)await redis.HashGetAsync(GateKeys.Stock(saleId), "pending") == 0,
            "every reservation durable and confirmed", TimeSpan.FromSeconds(60));

        // After the sell-out: every accepted key again on both replicas, and as many new buyers.
        var scriptsBefore = await ScriptCallsAsync();
        var started = DateTime.UtcNow;
        var after = new ConcurrentBag<(string Key, HttpStatusCode Status, Guid? OrderId)>();
        var retries = buyers.Where(b => accepted.ContainsKey(b.Key)).SelectMany(b => new[] { (b, Replica: 0), (b, Replica: 1) });
        var newcomers = buyers.Where(b => !accepted.ContainsKey(b.Key)).Take(2 * Stock).Select((b, i) => (b: b with { Key = $"late-{b.Key}" }, Replica: i % 2));
        await Parallel.ForEachAsync(retries.Concat(newcomers).OrderBy(_ => Random.Shared.Next()), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (send, _) =>
        {
            var (status, orderId) = await BuyAsync(_replicas[send.Replica], saleId, send.b.Token, send.b.Key);
            after.Add((send.b.Key, status, orderId));
        });
        var elapsed = DateTime.UtcNow - started;
        var scriptCalls = await ScriptCallsAsync() - scriptsBefore;

        Assert.Equal(4 * Stock, after.Count);
        Assert.All(after.Where(a => accepted.ContainsKey(a.Key)), a =>
        {
            Assert.Equal(HttpStatusCode.Accepted, a.Status);
            Assert.Equal(accepted[a.Key], a.OrderId);
        });
        Assert.All(after.Where(a => !accepted.ContainsKey(a.Key)), a => Assert.Equal(HttpStatusCode.Conflict, a.Status));
        // In-process: each replica asks the gate again only once its memory (1 s) runs out, not once per request.
        var allowed = 2 * ((int)Math.Ceiling(elapsed.TotalSeconds) + 2);
        Assert.True(scriptCalls <= allowed, $"{scriptCalls} script calls in the gate for {after.Count} answers in {elapsed.TotalSeconds:F1} s (allowed {allowed})");
        Assert.Equal(Stock, await Shop.ScalarAsync("SELECT count(*) FROM orders WHERE stock_id = @s", ("s", saleId)));
    }

    [Fact]
    public async Task Units_given_back_reopen_the_sale_on_every_replica_at_once()
    {
        var saleId = await Shop.ArmSaleAsync(quantity: 1, perBuyerLimit: 1);
        var (first, firstOrder) = await BuyAsync(_replicas[0], saleId, Shop.Token("early"), "early-1");
        Assert.Equal(HttpStatusCode.Accepted, first);
        // Both replicas learn that the sale is sold out and start answering from memory.
        await SoldOutOnEveryReplicaAsync(saleId);
        var token = Shop.Token("early");
        await Eventually.TrueAsync(async () => (await Shop.GetAsync<JsonElement>($"/api/orders/{firstOrder}", token)).GetProperty("status").GetString() == "confirmed",
            "the first order confirmed", TimeSpan.FromSeconds(30));
        var scriptsBefore = await ScriptCallsAsync();
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.Conflict, (await BuyAsync(_replicas[i % 2], saleId, Shop.Token("late"), $"late-{i}")).Status);
        }
        Assert.True(await ScriptCallsAsync() - scriptsBefore <= 4, "the sold-out answers came from the replicas' memory");

        using var cancel = await Shop.SendAsync(HttpMethod.Post, $"/api/orders/{firstOrder}/cancel", token);
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        var redis = await Shop.RedisAsync();
        await Eventually.TrueAsync(async () => (long)await redis.HashGetAsync(GateKeys.Stock(saleId), "stock") == 1, "the unit back in the gate", TimeSpan.FromSeconds(30));

        // Each replica drops its flag when it hears the notice, long before its memory (30 s here) runs out. A probe
        // that cannot take the unit tells: two units, over the limit of one, are "sold out" from memory but "over the
        // limit" from the gate. (Until a replica hears the notice, pub/sub's delivery time, it still answers "sold
        // out" from memory: that is the window the notice closes, so the test waits for it instead of racing it.)
        foreach (var replica in _replicas)
        {
            await Eventually.TrueAsync(async () => await ProblemTypeAsync(replica, saleId, Shop.Token("prober"), $"probe-{Guid.NewGuid():N}") == ProblemTypes.OverLimit,
                "the replica asks the gate again", TimeSpan.FromSeconds(10));
        }

        // Then the next buyer gets the unit, and its retry on the other replica at once gets the same order.
        var (second, secondOrder) = await BuyAsync(_replicas[1], saleId, Shop.Token("second"), "second-1");
        var (retry, retryOrder) = await BuyAsync(_replicas[0], saleId, Shop.Token("second"), "second-1");
        Assert.Equal(HttpStatusCode.Accepted, second);
        Assert.Equal(HttpStatusCode.Accepted, retry);
        Assert.Equal(secondOrder, retryOrder);
    }

    [Fact]
    public async Task After_the_sell_out_a_new_key_is_answered_before_its_body_or_the_buyers_bucket_but_never_without_a_valid_token()
    {
        var saleId = await Shop.ArmSaleAsync(quantity: 1, perBuyerLimit: 1);
        var (first, firstOrder) = await BuyAsync(_replicas[0], saleId, Shop.Token("holder"), "holder-1");
        Assert.Equal(HttpStatusCode.Accepted, first);
        await SoldOutOnEveryReplicaAsync(saleId);

        // One buyer, far more attempts than their bucket holds, each with a body that is not even JSON: all "sold out"
        // (before the sell-out these were 400s and then 429s); nothing was read or charged for them.
        var storm = Shop.Token("stormer");
        for (var i = 0; i < 30; i++)
        {
            using var response = await SendAsync(_replicas[i % 2], saleId, storm, $"storm-{i}", "{not json");
            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
            Assert.Contains("urn:shop:problem:sold-out", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        // The accepted key still gets its first answer, and only for the same request (its body is read for that).
        var holder = Shop.Token("holder");
        Assert.Equal((HttpStatusCode.Accepted, firstOrder), await BuyAsync(_replicas[1], saleId, holder, "holder-1"));
        using (var changed = await SendAsync(_replicas[1], saleId, holder, "holder-1", "{\"quantity\":2}"))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, changed.StatusCode);
        }
        // Nothing is answered to a request without a valid token, sold out or not.
        using (var anonymous = await SendAsync(_replicas[0], saleId, null, "anonymous-1", Body))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }
        using (var forged = await SendAsync(_replicas[0], saleId, storm[..^4] + "AAAA", "forged-1", Body))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        }
    }

    /// <summary>
    /// Waits until every replica answers a new key "sold out" from memory. A valid buy teaches a replica (the gate answers
    /// it "sold out", and the replica then loads the accepted keys, asynchronously); only a memory answer comes before the
    /// body is read, so a probe whose body is not JSON tells the two apart (the gate's path would answer it 400).
    /// </summary>
    private async Task SoldOutOnEveryReplicaAsync(Guid saleId)
    {
        foreach (var replica in _replicas)
        {
            await Eventually.TrueAsync(async () =>
            {
                Assert.Equal(HttpStatusCode.Conflict, (await BuyAsync(replica, saleId, Shop.Token("late"), $"late-{Guid.NewGuid():N}")).Status);
                using var probe = await SendAsync(replica, saleId, Shop.Token("late"), $"probe-{Guid.NewGuid():N}", "{not json");
                return probe.StatusCode == HttpStatusCode.Conflict;
            }, "sold out from memory", TimeSpan.FromSeconds(10));
        }
    }

    private async Task<(HttpStatusCode Status, Guid? OrderId)> BuyAsync(HttpClient replica, Guid saleId, string token, string key)
    {
        using var response = await SendAsync(replica, saleId, token, key, Body);
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            return (response.StatusCode, null);
        }
        return (response.StatusCode, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("orderId").GetGuid());
    }

    /// <summary>The problem type a buy of two units is answered with.</summary>
    private static async Task<string?> ProblemTypeAsync(HttpClient replica, Guid saleId, string token, string key)
    {
        using var response = await SendAsync(replica, saleId, token, key, "{\"quantity\":2}");
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString();
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient replica, Guid saleId, string? token, string key, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/flash-sales/{saleId}/orders")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        request.Headers.Add("Idempotency-Key", key);
        return await replica.SendAsync(request);
    }

    /// <summary>Scripts the gate has run so far (EVALSHA and EVAL), from Redis's own command statistics.</summary>
    private async Task<long> ScriptCallsAsync()
    {
        // INFO is an admin command for StackExchange.Redis: a connection of our own that allows it.
        _admin ??= await ConnectionMultiplexer.ConnectAsync(await fixture.App.App.GetConnectionStringAsync(GateResource) + ",allowAdmin=true");
        var info = (await _admin.GetServers().Single().InfoRawAsync("commandstats"))!;
        return info.Split('\n')
            .Where(line => line.StartsWith("cmdstat_evalsha:", StringComparison.Ordinal) || line.StartsWith("cmdstat_eval:", StringComparison.Ordinal))
            .Sum(line => long.Parse(line.Split("calls=")[1].Split(',')[0], System.Globalization.CultureInfo.InvariantCulture));
    }

    public void Dispose()
    {
        _admin?.Dispose();
        foreach (var replica in _replicas)
        {
            replica.Dispose();
        }
    }
}
