using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Shop.ServiceDefaults.Identity;

namespace Shop.Ordering.Api.Tests;

/// <summary>The benchmark's textbook path is a fair opponent: it too sells each unit exactly once.</summary>
[Collection(PipelineCollection.Name)]
public sealed class BaselineTests(PipelineFixture fixture)
{
    private ShopTestClient Shop => fixture.Shop;

    [Fact]
    public async Task The_synchronous_baseline_sells_the_stock_exactly_once_under_concurrency()
    {
        const int Stock = 30;
        var saleId = Guid.NewGuid();
        using var arm = new HttpRequestMessage(HttpMethod.Post, "/api/baseline/flash-sales")
        {
            Content = JsonContent.Create(new { saleId, quantity = Stock, perBuyerLimit = 1, salePrice = 5m,
                startsAt = DateTimeOffset.UtcNow.AddMinutes(-1), endsAt = DateTimeOffset.UtcNow.AddHours(1) }),
        };
        arm.Headers.Authorization = new("Bearer", Shop.Token("bench-admin", ShopRoles.Admin));
        Assert.Equal(HttpStatusCode.NoContent, (await Shop.Http.SendAsync(arm)).StatusCode);

        var statuses = new ConcurrentBag<HttpStatusCode>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 100), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, _) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/baseline/flash-sales/{saleId}/orders") { Content = JsonContent.Create(new { quantity = 1 }) };
            request.Headers.Authorization = new("Bearer", Shop.Token($"baseline-buyer-{i % 60}"));
            request.Headers.Add("Idempotency-Key", $"base-{i}");
            using var response = await Shop.Http.SendAsync(request);
            statuses.Add(response.StatusCode);
        });

        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.Accepted or HttpStatusCode.Conflict, s.ToString()));
        Assert.Equal(Stock, statuses.Count(s => s == HttpStatusCode.Accepted));
        Assert.Equal(Stock, await Shop.ScalarAsync("SELECT count(*) FROM baseline_orders WHERE sale_id = @s", ("s", saleId)));
        Assert.Equal(0, await Shop.ScalarAsync("SELECT remaining FROM baseline_sales WHERE sale_id = @s", ("s", saleId)));
        Assert.Equal(0, await Shop.ScalarAsync(
            "SELECT count(*) FROM (SELECT buyer_id FROM baseline_orders WHERE sale_id = @s GROUP BY buyer_id HAVING sum(quantity) > 1) x", ("s", saleId)));
    }
}
