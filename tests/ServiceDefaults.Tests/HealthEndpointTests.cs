using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Shop.ServiceDefaults.Health;

namespace Shop.ServiceDefaults.Tests;

public sealed class HealthEndpointTests
{
    /// <summary>The state of a fake dependency, changed by the test while the server runs.</summary>
    private sealed class Dependency
    {
        public volatile HealthStatus Status = HealthStatus.Healthy;

        public volatile bool Throw;
    }

    private static Task<TestServer> StartAsync(Dependency dependency, string environment = "Production") =>
        TestServer.StartAsync(
            app => app.MapDefaultEndpoints(),
            builder =>
            {
                builder.AddServiceDefaults();
                builder.Services.AddHealthChecks().AddCheck(
                    "database",
                    () => dependency.Throw
                        ? throw new InvalidOperationException("secret detail")
                        : new HealthCheckResult(dependency.Status, "fake dependency"),
                    [HealthEndpoints.ReadyTag]);
            },
            environment);

    private static async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> GetAsync(TestServer server, string path)
    {
        using var client = new HttpClient { BaseAddress = server.Url };
        var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        return (response.StatusCode, json, response);
    }

    private static Dictionary<string, string> Checks(JsonElement body) =>
        body.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("status").GetString()!);

    [Fact]
    public async Task Health_is_200_and_lists_every_check_when_all_are_healthy()
    {
        await using var server = await StartAsync(new Dependency());

        var (status, body, response) = await GetAsync(server, "/health");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Contains("no-store", response.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        Assert.Equal(new Dictionary<string, string> { ["self"] = "Healthy", ["database"] = "Healthy" }, Checks(body));
    }

    [Fact]
    public async Task Health_is_503_when_a_dependency_is_unhealthy_but_alive_stays_200()
    {
        var dependency = new Dependency();
        await using var server = await StartAsync(dependency);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(server, "/health")).Status);

        dependency.Status = HealthStatus.Unhealthy;
        var health = await GetAsync(server, "/health");
        var alive = await GetAsync(server, "/alive");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.Status);
        Assert.Equal("Unhealthy", health.Body.GetProperty("status").GetString());
        Assert.Equal("Unhealthy", Checks(health.Body)["database"]);

        Assert.Equal(HttpStatusCode.OK, alive.Status);
        Assert.Equal(new Dictionary<string, string> { ["self"] = "Healthy" }, Checks(alive.Body));
    }

    [Fact]
    public async Task Degraded_still_answers_200()
    {
        await using var server = await StartAsync(new Dependency { Status = HealthStatus.Degraded });

        var (status, body, _) = await GetAsync(server, "/health");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Degraded", body.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Exception_details_are_shown_in_development_only()
    {
        await using var production = await StartAsync(new Dependency { Throw = true });
        await using var development = await StartAsync(new Dependency { Throw = true }, "Development");

        var inProduction = (await GetAsync(production, "/health")).Body.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "database");
        var inDevelopment = (await GetAsync(development, "/health")).Body.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "database");

        Assert.False(inProduction.TryGetProperty("error", out _));
        Assert.Contains("InvalidOperationException", inDevelopment.GetProperty("error").GetString(), StringComparison.Ordinal);
    }
}
