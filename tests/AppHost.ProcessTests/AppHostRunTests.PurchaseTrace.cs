using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Shop.ServiceDefaults.Identity;

namespace Shop.AppHost.ProcessTests;

/// <summary>
/// docs/architecture.md, "Seeing it" (docs/monitoring.md, the traces): one purchase is one trace from the request to
/// its ledger row. A checkout of one unit sent with a W3C traceparent is followed in the dashboard through
/// ordering-api's decision, the Redis script (whose stream entry carries the trace to the worker), the worker's batch
/// and its Postgres transaction, all under that one trace id. (Part of AppHostRunTests: one AppHost process for all of
/// them, since it runs on the launch profiles' fixed ports.)
/// </summary>
public sealed partial class AppHostRunTests
{
    /// <summary>
    /// A service's address as the storefront receives it from Aspire (<c>services__{name}__http__0</c>, DCP's proxy):
    /// this AppHost randomizes its ports, so the storefront's environment is where they are written down (other
    /// tests may run other apps at the same time: only this AppHost's storefront will do).
    /// </summary>
    private Uri ServiceAddress(string name)
    {
        // The services are children of this AppHost's DCP, which watches the AppHost's pid (NoOrphansTests finds it the same way).
        var dcp = ProcessInfo.Mentioning($"--monitor\0{AppHost.Pid}\0");
        var storefront = dcp.SelectMany(ProcessInfo.Descendants).Select(EnvironmentOrEmpty)
            .First(env => env.GetValueOrDefault("OTEL_SERVICE_NAME") == "webfrontend" && env.ContainsKey($"services__{name}__http__0"));
        return new Uri(storefront[$"services__{name}__http__0"]);
    }

    // A process may end between being listed and being read (a short-lived helper of DCP's).
    private static Dictionary<string, string> EnvironmentOrEmpty(int pid)
    {
        try
        {
            return ProcessInfo.Environment(pid);
        }
        catch (IOException)
        {
            return [];
        }
        catch (UnauthorizedAccessException)
        {
            return [];
        }
    }

    [Fact]
    public async Task One_unit_bought_is_one_trace_from_the_api_through_the_gate_and_the_worker_to_Postgres()
    {
        // A demo shopper's token, as a programmatic client gets one (README, "Getting a token").
        var token = await IdentitySignIn.AccessTokenAsync(ServiceAddress("identity-api"), "carol", "Pass@word1", ShopAudiences.OrderingApi);
        using var api = new HttpClient { BaseAddress = ServiceAddress("ordering-api") };
        var itemId = await EventuallyAsync(async () =>
        {
            var levels = await api.GetFromJsonAsync<JsonElement>("/api/stock/items");
            return levels.EnumerateArray().Where(l => l.GetProperty("available").GetInt64() > 0).Select(l => (int?)l.GetProperty("itemId").GetInt32()).FirstOrDefault() is { } id
                ? id.ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
        }, "an item with stock");

        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using var checkout = new HttpRequestMessage(HttpMethod.Post, "/api/orders")
        {
            Content = JsonContent.Create(new { items = new[] { new { itemId = int.Parse(itemId, System.Globalization.CultureInfo.InvariantCulture), quantity = 1 } } }),
        };
        checkout.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        checkout.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        checkout.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        using (var accepted = await api.SendAsync(checkout))
        {
            Assert.True(accepted.StatusCode == HttpStatusCode.Accepted, $"{(int)accepted.StatusCode}: {await accepted.Content.ReadAsStringAsync()}");
        }

        await AssertOneTraceThroughAsync(traceId, Hops);
    }

    /// <summary>
    /// Waits until the dashboard holds a span of every hop under <paramref name="traceId"/>, and fails naming the
    /// hops it never saw. The trace is read by its id: the list of recent traces is capped, and the catalog's stock
    /// polling fills it.
    /// </summary>
    private async Task AssertOneTraceThroughAsync(string traceId, IReadOnlyDictionary<string, Func<Span, bool>> hops)
    {
        var spans = await EventuallyAsync(async () =>
        {
            using var response = await Dashboard.GetAsync($"/api/telemetry/traces/{traceId}");
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }
            var all = Spans(await response.Content.ReadFromJsonAsync<JsonElement>()).Where(s => s.TraceId == traceId).ToList();
            // Spans arrive in batches, each exporter on its own schedule: complete once every hop has shown up.
            return hops.All(hop => all.Any(hop.Value)) ? all : null;
        }, $"trace {traceId} through every hop: " + string.Join(", ", hops.Keys));

        foreach (var (hop, seen) in hops)
        {
            Assert.True(spans.Any(seen), $"no span of {hop} in trace {traceId}");
        }
    }

    /// <summary>The hops of a purchase, each recognised by the span it leaves.</summary>
    private static readonly Dictionary<string, Func<Span, bool>> Hops = new()
    {
        ["ordering-api's decision"] = s => s.Service == "ordering-api" && s.Scope == "Microsoft.AspNetCore" && s.Name.Contains("/api/orders", StringComparison.Ordinal),
        ["the gate's script"] = s => s.Service == "ordering-api" && s.Scope.Contains("StackExchangeRedis", StringComparison.Ordinal),
        ["the worker's batch"] = s => s.Service == "ordering-worker" && s.Scope == "Shop.Ordering.Worker" && s.Name == "persist reservations",
        ["its Postgres transaction"] = s => s.Service == "ordering-worker" && s.Scope.Contains("Npgsql", StringComparison.Ordinal),
    };
}
