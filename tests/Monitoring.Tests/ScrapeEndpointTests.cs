using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Shop.Monitoring.Tests;

/// <summary>
/// What a service built with ServiceDefaults serves at /metrics, and that the rules' metric names are the names
/// OpenTelemetry's Prometheus exporter gives Shop's instruments (the instruments are made here with the services'
/// names and units, as Ordering.Api and Ordering.Worker make them).
/// </summary>
public sealed partial class ScrapeEndpointTests : IAsyncLifetime
{
    private const string MeterName = "Shop.Monitoring.Tests";

    private WebApplication _app = null!;
    private HttpClient _client = null!;
    private Meter _meter = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddServiceDefaults();
        builder.AddShopTelemetrySource(MeterName);
        builder.Services.AddAuthorization();
        _app = builder.Build();
        _app.UseAuthorization();
        // The buy's route, as ordering-api maps it (a group and a guid constraint): the buy-p99 rule matches it.
        _app.MapGroup("/api/flash-sales").MapPost("/{saleId:guid}/orders", () => Results.Accepted());
        _app.MapGet("/secret", () => "no").RequireAuthorization();
        _app.MapDefaultEndpoints();
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        _client = new HttpClient { BaseAddress = new Uri(address) };

        _meter = _app.Services.GetRequiredService<IMeterFactory>().Create(MeterName);
        _meter.CreateCounter<long>("shop.ordering.decisions", description: "Buy requests answered, by outcome")
            .Add(1, new KeyValuePair<string, object?>("outcome", "shed"));
        _meter.CreateCounter<long>("shop.ordering.checkouts").Add(1, new KeyValuePair<string, object?>("outcome", "reserved"));
        _meter.CreateCounter<long>("shop.worker.dead_lettered", "{message}")
            .Add(1, new KeyValuePair<string, object?>("queue", "ordering.catalog-events"), new KeyValuePair<string, object?>("reason", "poison"));
        _meter.CreateCounter<long>("shop.worker.reservations.parked", "{reservation}").Add(1, new KeyValuePair<string, object?>("reason", "poison"));
        _meter.CreateCounter<long>("shop.ordering.events.published", "{event}").Add(1, new KeyValuePair<string, object?>("outcome", "failed"));
        _meter.CreateCounter<long>("shop.identity.sign_ins", "{sign_in}").Add(1, new KeyValuePair<string, object?>("outcome", "throttled"));
        _meter.CreateObservableGauge("shop.worker.reconciliation.violations", () => 0, "{stock}");
        _meter.CreateHistogram<double>("shop.worker.time_to_durable", "s").Record(0.2);
        _meter.CreateObservableGauge("shop.ordering.stream.lag", () => 0.5, "s");
        _meter.CreateObservableGauge("shop.ordering.gate.memory.used", () => 1024L, "By");
        _meter.CreateObservableGauge("shop.ordering.gate.memory.limit", () => 4096L, "By");
    }

    [Fact]
    public async Task Metrics_is_anonymous_and_in_Prometheus_text_format()
    {
        // The same host refuses an anonymous call where authorization is asked for.
        using var secret = await _client.GetAsync(new Uri("/secret", UriKind.Relative));
        Assert.NotEqual(System.Net.HttpStatusCode.OK, secret.StatusCode);

        using var response = await _client.GetAsync(new Uri("/metrics", UriKind.Relative));

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        Assert.Contains("# TYPE http_server_request_duration_seconds histogram", await ScrapeUntilAsync("http_route=\"/secret\""), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_metric_name_of_the_rules_is_exported()
    {
        using var buy = await _client.PostAsync(new Uri($"/api/flash-sales/{Guid.NewGuid()}/orders", UriKind.Relative), null);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, buy.StatusCode);
        var exposition = await ScrapeUntilAsync("http_route=\"/api/flash-sales/{saleId:guid}/orders\"");

        var exported = MetricName().Matches(exposition).Select(m => m.Groups["name"].Value).ToHashSet(StringComparer.Ordinal);
        var used = AlertRules.Rules(AlertRules.Load(MonitoringFolder.File("alerts.yml")))
            .SelectMany(rule => RuleMetric().Matches(AlertRules.Expression(rule)).Select(m => m.Value))
            .Where(name => name != "up") // Prometheus's own, per target
            .ToHashSet(StringComparer.Ordinal);

        Assert.NotEmpty(used);
        Assert.All(used, name => Assert.True(exported.Contains(name), $"{name} (alerts.yml) is not exported; exported: {string.Join(", ", exported.Order(StringComparer.Ordinal))}"));
    }

    [Fact]
    public async Task The_buy_route_and_status_labels_are_the_ones_the_rules_match()
    {
        using var buy = await _client.PostAsync(new Uri($"/api/flash-sales/{Guid.NewGuid()}/orders", UriKind.Relative), null);
        var exposition = await ScrapeUntilAsync("http_route=\"/api/flash-sales/{saleId:guid}/orders\"");

        var line = exposition.Split('\n').First(l => l.StartsWith("http_server_request_duration_seconds_bucket{", StringComparison.Ordinal)
            && l.Contains("/api/flash-sales/", StringComparison.Ordinal));
        Assert.Contains("http_request_method=\"POST\"", line, StringComparison.Ordinal);
        Assert.Contains("http_response_status_code=\"202\"", line, StringComparison.Ordinal);
        Assert.Matches(BuyRoute(), line);
        // 10 ms is a bucket boundary of ASP.NET Core's request duration, so the p99 rule's threshold is exact.
        Assert.Contains(exposition.Split('\n'), l => l.StartsWith("http_server_request_duration_seconds_bucket{", StringComparison.Ordinal)
            && l.Contains("/api/flash-sales/", StringComparison.Ordinal) && l.Contains("le=\"0.01\"", StringComparison.Ordinal));
    }

    // The exporter caches a scrape for a moment, and a request's duration is recorded after its response.
    private async Task<string> ScrapeUntilAsync(string text)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var exposition = await _client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
            if (exposition.Contains(text, StringComparison.Ordinal) || DateTime.UtcNow > deadline)
            {
                return exposition;
            }
            await Task.Delay(200);
        }
    }

    // A sample line: name{labels} value, or name value.
    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{| )", RegexOptions.Multiline)]
    private static partial Regex MetricName();

    // The metric names in a PromQL expression: identifiers followed by a selector or a range (not functions or label names).
    [GeneratedRegex(@"\b(shop|http)_[a-z0-9_]+\b(?=\s*[\{\[\)\s])")]
    private static partial Regex RuleMetric();

    // The buy-p99 rule's matcher: http_route=~"/api/flash-sales/.+/orders".
    [GeneratedRegex("http_route=\"/api/flash-sales/.+/orders\"")]
    private static partial Regex BuyRoute();

    public async Task DisposeAsync()
    {
        _meter.Dispose();
        _client.Dispose();
        await _app.DisposeAsync();
    }
}
