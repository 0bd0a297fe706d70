using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
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

    private static Task<TestServer> StartAsync(Dependency dependency, string environment = "Production", Action<WebApplicationBuilder>? configure = null) =>
        TestServer.StartAsync(
            app => app.MapDefaultEndpoints(),
            builder =>
            {
                builder.AddServiceDefaults();
                builder.Services.AddHealthChecks().AddCheck(
                    "database",
                    () => dependency.Throw
                        ? throw new InvalidOperationException("secret detail")
                        : new HealthCheckResult(dependency.Status, "fake dependency"));
                configure?.Invoke(builder);
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

    [Fact]
    public async Task A_check_can_be_listed_under_the_resource_name()
    {
        await using var server = await StartAsync(new Dependency(), configure: builder => builder.NameHealthCheck("database", "catalogdb"));

        var (_, body, _) = await GetAsync(server, "/health");

        Assert.Equal(new Dictionary<string, string> { ["self"] = "Healthy", ["catalogdb"] = "Healthy" }, Checks(body));
    }

    [Fact]
    public void Every_integration_registers_a_check_of_the_name_IntegrationHealthChecks_says()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing" });
        builder.Configuration["ConnectionStrings:gate"] = $"127.0.0.1:{TestServer.ClosedPort()},abortConnect=false";
        builder.Configuration["ConnectionStrings:orderingdb"] = "Host=127.0.0.1;Database=orderingdb;Username=u;Password=p";
        builder.Configuration["ConnectionStrings:messaging"] = "amqp://guest:guest@127.0.0.1:5672";
        builder.Configuration["ConnectionStrings:catalogdb"] = "Host=127.0.0.1;Database=catalogdb;Username=u;Password=p";
        builder.AddRedisClient("gate");
        builder.AddNpgsqlDataSource("orderingdb");
        builder.AddRabbitMQClient("messaging");
        builder.AddNpgsqlDbContext<TestDbContext>("catalogdb");
        builder.NameHealthCheck(IntegrationHealthChecks.Redis, "gate")
            .NameHealthCheck(IntegrationHealthChecks.Npgsql, "orderingdb")
            .NameHealthCheck(IntegrationHealthChecks.RabbitMQ, "messaging")
            .NameHealthCheck(nameof(TestDbContext), "catalogdb");
        using var host = builder.Build();

        Assert.Equal(["gate", "orderingdb", "messaging", "catalogdb"], Registrations(host).Select(r => r.Name).ToList());
    }

    /// <summary>AddNpgsqlDbContext names its check after the context type.</summary>
    private sealed class TestDbContext(DbContextOptions<TestDbContext> options) : DbContext(options);

    [Fact]
    public void A_check_without_a_timeout_gets_the_default_one_and_an_explicit_timeout_is_kept()
    {
        var explicitTimeout = TimeSpan.FromSeconds(1);
        using var host = TestHost.Build(new Dictionary<string, string?>(), builder => builder.Services.AddHealthChecks()
            .AddCheck("no-timeout", () => HealthCheckResult.Healthy())
            .AddCheck("own-timeout", () => HealthCheckResult.Healthy(), timeout: explicitTimeout));

        var timeouts = Registrations(host).ToDictionary(r => r.Name, r => r.Timeout);

        Assert.Equal(HealthEndpoints.DefaultCheckTimeout, timeouts["no-timeout"]);
        Assert.Equal(explicitTimeout, timeouts["own-timeout"]);
    }

    private static ICollection<HealthCheckRegistration> Registrations(IHost host) =>
        host.Services.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations;
}
