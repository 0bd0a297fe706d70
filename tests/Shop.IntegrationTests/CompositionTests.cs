using System.Net;
using System.Text.Json;
using Shop.Hosting.Orchestration;
using Shop.Hosting.Testing;

namespace Shop.IntegrationTests;

/// <summary>The composition of DESIGN.md §1 boots with real servers and every service reports itself healthy.</summary>
[Collection(ShopAppCollection.Name)]
public sealed class CompositionTests(ShopAppFixture fixture)
{
    private static readonly string[] Projects = ["catalog-api", "ordering-api", "ordering-worker", "webfrontend"];

    [Fact]
    public void Every_resource_of_the_design_is_running_and_healthy()
    {
        var resources = fixture.App.GetResources();
        foreach (var name in (string[])["cache", "postgres", "catalogdb", "orderingdb", "messaging", .. Projects])
        {
            var state = resources.Get(name);
            Assert.True(state.IsHealthy, $"{name}: {state.State} {state.Health} {state.HealthDescription} {state.Error}");
        }
        Assert.Equal(2, resources.Get("ordering-api").Replicas.Count);
    }

    [Theory]
    [InlineData("catalog-api", new[] { "cache", "catalogdb", "messaging" })]
    [InlineData("ordering-api", new[] { "cache", "orderingdb", "messaging" })]
    [InlineData("ordering-worker", new[] { "cache", "orderingdb", "messaging" })]
    [InlineData("webfrontend", new string[0])]
    public async Task Each_service_reports_healthy_including_its_dependencies(string service, string[] dependencies)
    {
        foreach (var replica in fixture.App.GetResources().Get(service).Replicas)
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{replica.Port}") };

            using var health = await client.GetAsync("/health");
            var body = await health.Content.ReadAsStringAsync();
            Assert.True(health.StatusCode == HttpStatusCode.OK, $"{service} replica {replica.Index}: {(int)health.StatusCode} {body}");
            Assert.Contains("Healthy", body);
            foreach (var dependency in dependencies)
            {
                Assert.Contains(dependency, body);
            }

            using var alive = await client.GetAsync("/alive");
            Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        }
    }

    [Fact]
    public void The_storefront_finds_every_api_replica_through_service_discovery()
    {
        var resources = fixture.App.GetResources();
        var web = resources.Get("webfrontend").Environment.ToDictionary(e => e.Name, e => e.Value);
        var orderingPorts = resources.Get("ordering-api").Replicas.Select(r => $"http://127.0.0.1:{r.Port}").ToList();

        Assert.Equal(orderingPorts, [web["services__ordering-api__http__0"], web["services__ordering-api__http__1"]]);
        Assert.Equal($"http://127.0.0.1:{resources.Get("catalog-api").Replicas[0].Port}", web["services__catalog-api__http__0"]);
        Assert.False(web.ContainsKey("ConnectionStrings__catalogdb"), "the storefront must not reach the databases directly");
    }

    [Fact]
    public async Task The_dashboard_api_lists_every_resource_with_secrets_masked()
    {
        using var client = new HttpClient { BaseAddress = fixture.App.GetDashboardUri() };

        var json = await client.GetStringAsync("/api/resources");
        var resources = JsonDocument.Parse(json).RootElement.EnumerateArray().ToDictionary(r => r.GetProperty("name").GetString()!);

        foreach (var name in Projects.Concat(["cache", "postgres", "messaging", "catalogdb", "orderingdb"]))
        {
            Assert.Equal("Healthy", resources[name].GetProperty("health").GetString());
        }
        var password = await fixture.App.GetConnectionStringAsync("cache");
        Assert.DoesNotContain(password.Split("password=")[1], json);
    }
}
