using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Npgsql;
using Shop.ServiceDefaults.Identity;

using Shop.Testing.Tokens;

namespace Shop.Bench.Tests;

/// <summary>
/// The benchmark's textbook path, baseline-api (bench/Baseline.Api), as the bench composes it: its own replicas and
/// its own baselinedb on Shop's Postgres, only Postgres and the baseline started.
/// </summary>
public sealed class BaselineTests
{
    /// <summary>A fair opponent: it too sells each unit exactly once, with both replicas taking the buys.</summary>
    [Fact]
    public async Task The_synchronous_baseline_sells_the_stock_exactly_once_under_concurrency()
    {
        const int Stock = 30;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await using var shop = await BenchedShop.StartAsync(new AdmissionSettings(), _ => { }, timeout.Token, only: [BaselineComposition.Resource]);
        Assert.NotEmpty(shop.BaselineReplicas);
        var tokens = new TestTokenIssuer(shop.SigningKey);
        using var http = new HttpClient();
        var saleId = Guid.NewGuid();

        // Creating a sale takes the admin role: a shopper's token is refused, no token is unauthenticated.
        HttpRequestMessage Arm(string? token)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, new Uri(shop.BaselineReplicas[0], "/api/baseline/flash-sales"))
            {
                Content = JsonContent.Create(new { saleId, quantity = Stock, perBuyerLimit = 1, salePrice = 5m,
                    startsAt = DateTimeOffset.UtcNow.AddMinutes(-1), endsAt = DateTimeOffset.UtcNow.AddHours(1) }),
            };
            if (token is not null)
            {
                request.Headers.Authorization = new("Bearer", token);
            }
            return request;
        }
        using (var anonymous = Arm(null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(anonymous, timeout.Token)).StatusCode);
        }
        using (var shopper = Arm(tokens.Issue("baseline-shopper", "baseline-shopper", [ShopRoles.Shopper]).AccessToken))
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(shopper, timeout.Token)).StatusCode);
        }
        using (var admin = Arm(shop.AdminToken()))
        {
            Assert.Equal(HttpStatusCode.NoContent, (await http.SendAsync(admin, timeout.Token)).StatusCode);
        }

        var statuses = new ConcurrentBag<HttpStatusCode>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 100), new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = timeout.Token }, async (i, ct) =>
        {
            var replica = shop.BaselineReplicas[i % shop.BaselineReplicas.Count];
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(replica, $"/api/baseline/flash-sales/{saleId}/orders")) { Content = JsonContent.Create(new { quantity = 1 }) };
            var buyer = $"baseline-buyer-{(i % 60).ToString(CultureInfo.InvariantCulture)}";
            request.Headers.Authorization = new("Bearer", tokens.Issue(buyer, buyer, [ShopRoles.Shopper]).AccessToken);
            request.Headers.Add("Idempotency-Key", $"base-{i.ToString(CultureInfo.InvariantCulture)}");
            using var response = await http.SendAsync(request, ct);
            statuses.Add(response.StatusCode);
        });

        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.Accepted or HttpStatusCode.Conflict, s.ToString()));
        Assert.Equal(Stock, statuses.Count(s => s == HttpStatusCode.Accepted));
        Assert.Equal(Stock, await ScalarAsync(shop.BaselineDb, "SELECT count(*) FROM baseline_orders WHERE sale_id = @s", saleId));
        Assert.Equal(0, await ScalarAsync(shop.BaselineDb, "SELECT remaining FROM baseline_sales WHERE sale_id = @s", saleId));
        Assert.Equal(0, await ScalarAsync(shop.BaselineDb,
            "SELECT count(*) FROM (SELECT buyer_id FROM baseline_orders WHERE sale_id = @s GROUP BY buyer_id HAVING sum(quantity) > 1) x", saleId));
    }

    private static async Task<long> ScalarAsync(NpgsqlDataSource db, string sql, object parameter)
    {
        await using var command = db.CreateCommand(sql);
        command.Parameters.AddWithValue("s", parameter);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }
}
