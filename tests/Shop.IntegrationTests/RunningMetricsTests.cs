using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Aspire.Hosting.Testing;
using RabbitMQ.Client;
using Shop.ServiceDefaults.Identity;

namespace Shop.IntegrationTests;

/// <summary>
/// The rules alert on what the real services export: after one real buy, every metric the rules of
/// monitoring/alerts.yml name has a series in the app's Prometheus, and a real dead letter (a malformed catalog
/// event) fires <c>ShopDeadLetters</c> in Alertmanager. (ScrapeEndpointTests checks the names on a stand-in host;
/// this is the same with the services themselves.)
/// </summary>
public sealed partial class RunningMonitoringTests
{
    /// <summary>The metric names a rule's expression uses (Shop's, ASP.NET Core's request duration, and <c>up</c>).</summary>
    private static IEnumerable<string> MetricsOf(string expression) =>
        Regex.Matches(expression, @"\b(shop_[a-z_]+|http_server_request_duration_seconds_[a-z]+|up)\b").Select(m => m.Value);

    [Fact]
    public async Task After_a_real_buy_every_metric_the_rules_use_has_a_series_in_Prometheus()
    {
        await BuyOneUnitAsync();
        // The buy's route as the p99 rule selects it, besides the bare names.
        var queries = AlertRules.Rules(AlertRules.Load(MonitoringFolder.File("alerts.yml")))
            .SelectMany(rule => MetricsOf(AlertRules.Expression(rule)))
            .Append("""http_server_request_duration_seconds_bucket{service="ordering-api", http_route=~"/api/flash-sales/.+/orders"}""")
            .Append("shop_ordering_stock_remaining")
            .Append("shop_ordering_stream_length")
            .Append("shop_ordering_stream_pending")
            .Distinct(StringComparer.Ordinal)
            // Only a dead letter (a parked reservation) creates its counter: the tests below and Ordering.Worker.Tests cover them.
            .Where(name => name is not "shop_worker_dead_lettered_total" and not "shop_worker_reservations_parked_total")
            .ToList();
        Assert.Contains("shop_worker_time_to_durable_seconds_bucket", queries);
        Assert.Contains("shop_ordering_stream_lag_seconds", queries);

        var missing = queries;
        await Eventually.ReturnsAsync(async () =>
            {
                var stillMissing = new List<string>();
                foreach (var query in queries)
                {
                    if (await SeriesCountAsync(query) == 0)
                    {
                        stillMissing.Add(query);
                    }
                }
                missing = stillMissing;
                return missing.Count == 0 ? missing : null;
            },
            Patience, () => "no series for " + string.Join(", ", missing));
    }

    [Fact]
    public async Task A_malformed_catalog_event_is_dead_lettered_and_fires_ShopDeadLetters_in_Alertmanager()
    {
        var factory = new ConnectionFactory { Uri = new Uri(await fixture.Shop.App.GetConnectionStringAsync("messaging") ?? throw new InvalidOperationException("messaging has no connection string")) };
        await using (var connection = await factory.CreateConnectionAsync("monitoring-tests"))
        await using (var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true)))
        {
            // Straight onto the worker's queue (the default exchange routes by queue name), as a broken publisher would.
            await channel.BasicPublishAsync("", "ordering.catalog-events", mandatory: true,
                new BasicProperties { Type = "FlashSaleChanged", MessageId = Guid.NewGuid().ToString(), Persistent = true },
                Encoding.UTF8.GetBytes("{ this is not an event"));
        }

        IReadOnlyList<PrometheusApi.Alert> alerts = [];
        var fired = await Eventually.ReturnsAsync(async () =>
            {
                alerts = await PrometheusApi.AlertsAsync(fixture.Alertmanager);
                return alerts.FirstOrDefault(a => a.Labels.GetValueOrDefault("alertname") == "ShopDeadLetters" && a.State == "active");
            },
            Patience, () => string.Join("; ", alerts.Select(a => $"{string.Join(",", a.Labels.Select(l => $"{l.Key}={l.Value}"))} {a.State}")));

        Assert.Equal("ordering.catalog-events", fired.Labels["queue"]);
        Assert.Equal("poison", fired.Labels["reason"]);
        Assert.Equal("ordering-worker", fired.Labels["service"]);
        Assert.Equal(["shop-operators"], fired.Receivers);
        Assert.Equal(1, await SeriesCountAsync("""shop_worker_dead_lettered_total{queue="ordering.catalog-events", reason="poison"}"""));
    }

    private async Task<int> SeriesCountAsync(string selector)
    {
        using var json = JsonDocument.Parse(await fixture.Prometheus.GetStringAsync(
            new Uri("/api/v1/query?query=" + Uri.EscapeDataString(selector), UriKind.Relative)));
        return json.RootElement.GetProperty("data").GetProperty("result").GetArrayLength();
    }

    /// <summary>One unit of the seeded live sale, bought as a shopper does, followed until it is durable.</summary>
    private async Task BuyOneUnitAsync()
    {
        using var catalog = new HttpClient { BaseAddress = fixture.Shop.App.GetEndpoint("catalog-api", "http") };
        using var ordering = new HttpClient { BaseAddress = fixture.Shop.App.GetEndpoint("ordering-api", "http") };
        var token = await IdentitySignIn.AccessTokenAsync(fixture.Shop.App.GetEndpoint("identity-api", "http"), "dave", "Pass@word1", ShopAudiences.OrderingApi);
        var sales = await catalog.GetFromJsonAsync<JsonElement>("/api/flash-sales");
        var saleId = sales.EnumerateArray().First(s => s.GetProperty("status").GetString() == "Live").GetProperty("id").GetString()!;

        var orderId = await Eventually.ReturnsAsync(async () =>
            {
                // The worker arms the seeded sale shortly after start: until then the API answers 404 or 503.
                using var buy = new HttpRequestMessage(HttpMethod.Post, $"/api/flash-sales/{saleId}/orders") { Content = JsonContent.Create(new { quantity = 1 }) };
                buy.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                buy.Headers.Add("Idempotency-Key", "monitoring-buy-1");
                using var answer = await ordering.SendAsync(buy);
                return answer.StatusCode == HttpStatusCode.Accepted
                    ? (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("orderId").GetString()
                    : null;
            },
            Patience, () => "no 202 for the buy");

        await Eventually.ReturnsAsync(async () =>
            {
                using var order = new HttpRequestMessage(HttpMethod.Get, $"/api/orders/{orderId}");
                order.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                using var answer = await ordering.SendAsync(order);
                return answer.IsSuccessStatusCode && (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString() != "pending"
                    ? orderId : null;
            },
            Patience, () => $"order {orderId} still pending");
    }
}
