using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Shop.ServiceDefaults.ServiceDiscovery;

namespace Shop.ServiceDefaults.Tests;

public sealed class ServiceDiscoveryTests
{
    /// <summary>A server that answers "{name}:{path}{query}" and counts requests.</summary>
    private static async Task<(TestServer Server, Func<int> Count)> StartNamedServerAsync(string name, int failFirst = 0)
    {
        var count = 0;
        var server = await TestServer.StartAsync(app => app.Map("/{**rest}", (HttpContext context) =>
        {
            var n = Interlocked.Increment(ref count);
            return n <= failFirst
                ? Results.StatusCode(StatusCodes.Status503ServiceUnavailable)
                : Results.Text($"{name}:{context.Request.Path}{context.Request.QueryString}");
        }));
        return (server, () => Volatile.Read(ref count));
    }

    private static HttpClient CreateClient(Microsoft.Extensions.Hosting.IHost host) =>
        host.Services.GetRequiredService<IHttpClientFactory>().CreateClient("test");

    [Fact]
    public async Task Http_scheme_resolves_logical_name_from_configuration()
    {
        var (a, _) = await StartNamedServerAsync("A");
        await using var _a = a;
        var config = TestHost.FastResilience();
        config["services:catalog-api:http:0"] = a.Url.ToString();
        using var host = TestHost.Build(config);
        using var client = CreateClient(host);

        var body = await client.GetStringAsync(new Uri("http://catalog-api/api/items?page=2"));

        Assert.Equal("A:/api/items?page=2", body);
    }

    [Fact]
    public async Task Https_plus_http_falls_back_to_http_entries_when_there_is_no_https_entry()
    {
        var (a, _) = await StartNamedServerAsync("A");
        await using var _a = a;
        var config = TestHost.FastResilience();
        config["services:catalog-api:http:0"] = a.Url.ToString();
        using var host = TestHost.Build(config);
        using var client = CreateClient(host);
        client.BaseAddress = new Uri("https+http://catalog-api");

        var body = await client.GetStringAsync(new Uri("/ping", UriKind.Relative));

        Assert.Equal("A:/ping", body);
    }

    [Fact]
    public void Https_plus_http_prefers_https_entries()
    {
        using var host = TestHost.Build(new Dictionary<string, string?>
        {
            ["services:catalog-api:http:0"] = "http://127.0.0.1:5001",
            ["services:catalog-api:https:0"] = "https://127.0.0.1:5002",
        });
        var resolver = host.Services.GetRequiredService<IServiceEndpointResolver>();

        Assert.Equal([new Uri("https://127.0.0.1:5002")], resolver.GetEndpoints("https+http://catalog-api"));
        Assert.Equal([new Uri("https://127.0.0.1:5002")], resolver.GetEndpoints("catalog-api"));
        Assert.Equal([new Uri("http://127.0.0.1:5001")], resolver.GetEndpoints("http://catalog-api"));
        Assert.True(resolver.TryResolve(new Uri("https+http://catalog-api/x?y=1"), out var resolved));
        Assert.Equal(new Uri("https://127.0.0.1:5002/x?y=1"), resolved);
    }

    [Fact]
    public async Task Requests_round_robin_across_all_entries()
    {
        var (a, countA) = await StartNamedServerAsync("A");
        var (b, countB) = await StartNamedServerAsync("B");
        var (c, countC) = await StartNamedServerAsync("C");
        await using var _a = a;
        await using var _b = b;
        await using var _c = c;
        var config = TestHost.FastResilience();
        config["services:catalog-api:http:0"] = a.Url.ToString();
        config["services:catalog-api:http:1"] = b.Url.ToString();
        config["services:catalog-api:http:2"] = c.Url.ToString();
        using var host = TestHost.Build(config);
        using var client = CreateClient(host);

        var answers = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            answers.Add(await client.GetStringAsync(new Uri("http://catalog-api/")));
        }

        Assert.Equal(["A:/", "B:/", "C:/", "A:/", "B:/", "C:/"], answers);
        Assert.Equal((2, 2, 2), (countA(), countB(), countC()));
    }

    [Fact]
    public async Task A_retry_goes_to_the_next_replica()
    {
        var (failing, failingCount) = await StartNamedServerAsync("A", failFirst: int.MaxValue);
        var (healthy, _) = await StartNamedServerAsync("B");
        await using var _a = failing;
        await using var _b = healthy;
        var config = TestHost.FastResilience();
        config["services:catalog-api:http:0"] = failing.Url.ToString();
        config["services:catalog-api:http:1"] = healthy.Url.ToString();
        using var host = TestHost.Build(config);
        using var client = CreateClient(host);

        using var response = await client.GetAsync(new Uri("http://catalog-api/x"));

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("B:/x", await response.Content.ReadAsStringAsync());
        Assert.Equal(1, failingCount());

        // The handler puts the logical address back after the send.
        Assert.Equal(new Uri("http://catalog-api/x"), response.RequestMessage?.RequestUri);
    }

    [Fact]
    public async Task Hosts_without_configuration_pass_through_unchanged()
    {
        var (a, count) = await StartNamedServerAsync("A");
        await using var _a = a;
        var config = TestHost.FastResilience();
        config["services:catalog-api:http:0"] = "http://127.0.0.1:1";
        using var host = TestHost.Build(config);
        using var client = CreateClient(host);

        var byAddress = await client.GetStringAsync(new Uri(a.Url, "/direct"));
        var byName = await client.GetStringAsync(new Uri($"http://localhost:{a.Url.Port}/named"));

        Assert.Equal("A:/direct", byAddress);
        Assert.Equal("A:/named", byName);
        Assert.Equal(2, count());
        var resolver = host.Services.GetRequiredService<IServiceEndpointResolver>();
        Assert.False(resolver.TryResolve(new Uri("http://ordering-api/"), out _));
        Assert.Empty(resolver.GetEndpoints("http://ordering-api"));
    }

    [Fact]
    public void Unknown_host_with_combined_scheme_gets_the_preferred_scheme()
    {
        using var host = TestHost.Build(new Dictionary<string, string?>());
        var resolver = host.Services.GetRequiredService<IServiceEndpointResolver>();

        Assert.True(resolver.TryResolve(new Uri("https+http://example.internal:8443/a"), out var resolved));
        Assert.Equal(new Uri("https://example.internal:8443/a"), resolved);
    }

    [Fact]
    public void Environment_variable_layout_is_read()
    {
        var name = "env-" + Guid.NewGuid().ToString("N")[..8];
        Environment.SetEnvironmentVariable($"services__{name}__http__0", "http://127.0.0.1:6001");
        Environment.SetEnvironmentVariable($"services__{name}__http__1", "http://127.0.0.1:6002");
        try
        {
            using var host = TestHost.Build(new Dictionary<string, string?>());
            var resolver = host.Services.GetRequiredService<IServiceEndpointResolver>();

            Assert.Equal([new Uri("http://127.0.0.1:6001"), new Uri("http://127.0.0.1:6002")], resolver.GetEndpoints($"http://{name}"));
        }
        finally
        {
            Environment.SetEnvironmentVariable($"services__{name}__http__0", null);
            Environment.SetEnvironmentVariable($"services__{name}__http__1", null);
        }
    }

    [Fact]
    public void Entries_keep_numeric_order_and_named_endpoints_resolve()
    {
        var config = new Dictionary<string, string?> { ["services:catalog-api:grpc:0"] = "http://127.0.0.1:7000" };
        for (var i = 0; i < 12; i++)
        {
            config[$"services:catalog-api:http:{i}"] = $"http://127.0.0.1:{5000 + i}";
        }

        using var host = TestHost.Build(config);
        var resolver = host.Services.GetRequiredService<IServiceEndpointResolver>();

        Assert.Equal(Enumerable.Range(5000, 12).ToArray(), resolver.GetEndpoints("http://catalog-api").Select(u => u.Port).ToArray());
        Assert.Equal([new Uri("http://127.0.0.1:7000")], resolver.GetEndpoints("http://_grpc.catalog-api"));
    }

    [Fact]
    public void Configuration_reload_is_picked_up()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["services:catalog-api:http:0"] = "http://127.0.0.1:5000" })
            .Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddServiceDiscovery();
        using var provider = services.BuildServiceProvider();
        var resolver = provider.GetRequiredService<IServiceEndpointResolver>();
        Assert.Single(resolver.GetEndpoints("http://catalog-api"));

        configuration["services:catalog-api:http:1"] = "http://127.0.0.1:5001";
        configuration.Reload();

        Assert.Equal(2, resolver.GetEndpoints("http://catalog-api").Count);
    }
}
