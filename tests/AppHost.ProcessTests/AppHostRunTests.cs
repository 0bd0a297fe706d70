using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Shop.Testing;

namespace Shop.AppHost.ProcessTests;

/// <summary>
/// One run of the AppHost as a developer runs it, followed through its life: the console names the dashboard and
/// the store, Aspire's dashboard receives every service's telemetry, and a storefront request, a purchase and a sale
/// being armed are each one trace (read back through the dashboard's telemetry API, <c>/api/telemetry</c>, with its
/// API key). Then, last (<see cref="StopsTheAppAttribute"/>), it is stopped with SIGTERM and nothing of it is left.
/// </summary>
[TestCaseOrderer(StopsTheAppLastOrderer.TypeName, StopsTheAppLastOrderer.AssemblyName)]
public sealed partial class AppHostRunTests(AppHostRunFixture fixture) : IClassFixture<AppHostRunFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private AppHostProcess AppHost => fixture.AppHost;
    private HttpClient Dashboard => fixture.Dashboard;
    private Uri Store => fixture.Store;

    [Fact]
    public async Task The_console_names_the_dashboard_login_and_the_store()
    {
        Assert.Matches(@"Login to the dashboard at http://127\.0\.0\.1:\d+/login\?t=[0-9a-f]+$", fixture.LoginLine);
        Assert.DoesNotContain("development certificate", AppHost.Output, StringComparison.OrdinalIgnoreCase);
        using var store = new HttpClient();
        Assert.True((await store.GetAsync(Store)).IsSuccessStatusCode);
    }

    [Fact]
    public async Task The_dashboard_receives_every_services_telemetry()
    {
        var resources = await EventuallyAsync(async () =>
        {
            var list = await Dashboard.GetFromJsonAsync<JsonElement>("/api/telemetry/resources");
            var names = list.EnumerateArray().Where(r => r.GetProperty("hasLogs").GetBoolean()).Select(r => r.GetProperty("name").GetString()!).ToHashSet();
            return names.IsSupersetOf(["basket-api", "catalog-api", "ordering-api", "ordering-worker", "webfrontend"]) ? names : null;
        }, "logs from every service");
        Assert.Contains("ordering-api", resources);

        var logs = await Dashboard.GetStringAsync("/api/telemetry/logs?resource=ordering-worker");
        Assert.Contains("Rebuilt the gate from the ledger", logs);
    }

    [Fact]
    public async Task One_storefront_request_is_one_trace_through_ordering_api_and_Redis()
    {
        using var store = new HttpClient { BaseAddress = Store };
        var home = await store.GetStringAsync("/");
        var saleId = SaleLink().Match(home) is { Success: true } match ? match.Groups[1].Value : throw new InvalidOperationException("no sale on the home page");

        // The storefront's stock endpoint asks ordering-api, which reads the gate in Redis.
        using (var stock = await store.GetAsync($"/bff/flash-sales/{saleId}/stock"))
        {
            Assert.True(stock.IsSuccessStatusCode, $"{(int)stock.StatusCode}");
        }

        var spans = await EventuallyAsync(async () =>
        {
            var traces = await Dashboard.GetFromJsonAsync<JsonElement>("/api/telemetry/traces?resource=webfrontend");
            var all = Spans(traces).ToList();
            var trace = all.Where(s => s.Name.Contains("/bff/flash-sales/", StringComparison.Ordinal)).Select(s => s.TraceId)
                .FirstOrDefault(id => all.Any(s => s.TraceId == id && s.Service == "ordering-api" && s.Scope.Contains("Redis", StringComparison.Ordinal)));
            return trace is null ? null : all.Where(s => s.TraceId == trace).ToList();
        }, "a trace from webfrontend through ordering-api to Redis");

        Assert.Contains(spans, s => s.Service == "webfrontend" && s.Scope == "Microsoft.AspNetCore");
        Assert.Contains(spans, s => s.Service == "webfrontend" && s.Scope == "System.Net.Http");
        Assert.Contains(spans, s => s.Service == "ordering-api" && s.Name.Contains("/api/flash-sales/", StringComparison.Ordinal));
        Assert.Contains(spans, s => s.Service == "ordering-api" && s.Scope.Contains("StackExchangeRedis", StringComparison.Ordinal));
    }

    internal sealed record Span(string TraceId, string Service, string Scope, string Name);

    private static IEnumerable<Span> Spans(JsonElement traces)
    {
        foreach (var resourceSpans in traces.GetProperty("data").GetProperty("resourceSpans").EnumerateArray())
        {
            var service = resourceSpans.GetProperty("resource").GetProperty("attributes").EnumerateArray()
                .Where(a => a.GetProperty("key").GetString() == "service.name")
                .Select(a => a.GetProperty("value").GetProperty("stringValue").GetString()!).FirstOrDefault() ?? "";
            foreach (var scopeSpans in resourceSpans.GetProperty("scopeSpans").EnumerateArray())
            {
                var scope = scopeSpans.GetProperty("scope").GetProperty("name").GetString()!;
                foreach (var span in scopeSpans.GetProperty("spans").EnumerateArray())
                {
                    yield return new Span(span.GetProperty("traceId").GetString()!, service, scope, span.GetProperty("name").GetString()!);
                }
            }
        }
    }

    // Telemetry reaches the dashboard in batches, a few seconds after the request.
    private static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, string what) where T : class
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            if (await probe() is { } found)
            {
                return found;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the dashboard never showed {what}");
            }
            await Task.Delay(1000);
        }
    }

    [GeneratedRegex(@"href=""/sales/([0-9a-f-]{36})""")]
    private static partial Regex SaleLink();
}

/// <summary>One AppHost process, started as ./run.sh starts it, with a dashboard API key the tests know.</summary>
public sealed class AppHostRunFixture : IAsyncLifetime
{
    private readonly string _apiKey = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
    private readonly AppIsolation _isolation = AppIsolation.Create("shop-run-");
    private AppHostProcess _appHost = null!;

    public AppHostProcess AppHost => _appHost;

    public AppIsolation Isolation => _isolation;

    public HttpClient Dashboard { get; private set; } = null!;

    public Uri Store { get; private set; } = null!;

    public string LoginLine { get; private set; } = "";

    public async Task InitializeAsync()
    {
        _appHost = AppHostProcess.Start(_isolation, $"--AppHost:DashboardApiKey={_apiKey}");
        var ready = await _appHost.WaitForOutputAsync("Shop is ready. The store: ", AppHostProcess.ReadyTimeout);
        Store = new Uri(ready[(ready.IndexOf("The store: ", StringComparison.Ordinal) + "The store: ".Length)..].Trim());
        LoginLine = (await _appHost.WaitForOutputAsync("Login to the dashboard at ", TimeSpan.FromSeconds(10))).Trim();
        var login = new Uri(LoginLine["Login to the dashboard at ".Length..]);
        Dashboard = new HttpClient { BaseAddress = new Uri(login.GetLeftPart(UriPartial.Authority)) };
        Dashboard.DefaultRequestHeaders.Add("x-api-key", _apiKey);
    }

    public async Task DisposeAsync()
    {
        if (_appHost is not null)
        {
            // Stopped by the last test; should that not have run (a failed start), whatever is left goes now.
            await AppProcesses.EndAsync(_appHost, _isolation);
            _appHost.Dispose();
        }
        Dashboard?.Dispose();
        _isolation.Dispose();
    }
}
