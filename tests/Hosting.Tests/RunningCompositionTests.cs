using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Npgsql;
using RabbitMQ.Client;
using Shop.Hosting.Orchestration;
using Shop.Hosting.Testing;

namespace Shop.Hosting.Tests;

/// <summary>The local runtime with real servers: ports, replicas, the proxy, the environment each process really got, restarts.</summary>
public sealed partial class RunningCompositionTests(TestAppHostFixture fixture) : IClassFixture<TestAppHostFixture>
{
    private ResourceStore Resources => fixture.App.GetResources();

    [Fact]
    public void Replicas_listen_on_distinct_ports_apart_from_the_stable_port()
    {
        var echo = Resources.Get("echo");
        var stablePort = fixture.App.GetEndpoint("echo").Port;

        Assert.Equal(3, echo.Replicas.Count);
        var ports = echo.Replicas.Select(r => r.Port!.Value).ToList();
        Assert.Equal(3, ports.Distinct().Count());
        Assert.DoesNotContain(stablePort, ports);
        Assert.Equal(3, echo.Replicas.Select(r => r.Pid).Distinct().Count());
    }

    [Fact]
    public async Task The_proxy_spreads_new_connections_over_every_replica()
    {
        var seen = new Dictionary<int, int>();
        for (var i = 0; i < 30; i++)
        {
            // A fresh client per request: the proxy balances connections, and keep-alive would pin one.
            using var client = fixture.App.CreateHttpClient("echo");
            var whoAmI = await client.GetFromJsonAsync<WhoAmI>("/whoami");
            seen[whoAmI!.Port] = seen.GetValueOrDefault(whoAmI.Port) + 1;
        }

        var replicaPorts = Resources.Get("echo").Replicas.Select(r => r.Port!.Value).Order().ToList();
        Assert.Equal(replicaPorts, seen.Keys.Order().ToList());
        Assert.All(seen.Values, count => Assert.InRange(count, 8, 12));
    }

    [Fact]
    public async Task Each_replica_gets_the_exact_environment_contract()
    {
        var cachePort = fixture.App.GetEndpoint("cache", "tcp").Port;
        var postgresPort = fixture.App.GetEndpoint("postgres", "tcp").Port;
        var rabbitPort = fixture.App.GetEndpoint("messaging", "tcp").Port;

        foreach (var replica in Resources.Get("echo").Replicas)
        {
            var env = ProcessInfo.Environment(replica.Pid!.Value);

            Assert.Matches($@"^127\.0\.0\.1:{cachePort},password=[A-Za-z0-9]{{22}}$", env["ConnectionStrings__cache"]);
            Assert.Matches($@"^Host=127\.0\.0\.1;Port={postgresPort};Username=postgres;Password=[A-Za-z0-9]{{22}};Database=testdb$", env["ConnectionStrings__testdb"]);
            Assert.Matches($@"^amqp://guest:[A-Za-z0-9]{{22}}@127\.0\.0\.1:{rabbitPort}$", env["ConnectionStrings__messaging"]);
            Assert.Equal($"http://127.0.0.1:{replica.Port}", env["ASPNETCORE_URLS"]);
            Assert.Equal("echo", env["OTEL_SERVICE_NAME"]);
            Assert.Equal($"service.instance.id=echo-{replica.Index}", env["OTEL_RESOURCE_ATTRIBUTES"]);
            Assert.Equal("hello", env["ECHO_GREETING"]);
            Assert.Equal("Development", env["ASPNETCORE_ENVIRONMENT"]);
        }

        // The connection strings work against the real servers.
        var echoEnv = ProcessInfo.Environment(Resources.Get("echo").Replicas[0].Pid!.Value);
        await using (var connection = new NpgsqlConnection(echoEnv["ConnectionStrings__testdb"]))
        {
            await connection.OpenAsync();
            Assert.Equal("testdb", connection.Database);
        }
        var factory = new ConnectionFactory { Uri = new Uri(echoEnv["ConnectionStrings__messaging"]) };
        await using (var amqp = await factory.CreateConnectionAsync())
        {
            Assert.True(amqp.IsOpen);
        }
        var redis = RedisConnectionString().Match(echoEnv["ConnectionStrings__cache"]);
        Assert.Equal("+PONG", await RedisPingAsync(int.Parse(redis.Groups["port"].Value), redis.Groups["password"].Value));
    }

    [Fact]
    public async Task A_crashed_replica_is_restarted_with_a_new_pid()
    {
        var before = Resources.Get("echo").Replicas[2];

        await Resources.KillAsync("echo", 2);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await Resources.Get("echo").WaitForAsync(s => s.Replicas[2] is { State: ResourceStateKind.Running, Restarts: > 0 } && s.IsHealthy, timeout.Token);

        var after = Resources.Get("echo").Replicas[2];
        Assert.NotEqual(before.Pid, after.Pid);
        Assert.Equal(before.Port, after.Port);
        Assert.Equal(before.Restarts + 1, after.Restarts);
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{after.Port}") };
        Assert.Equal(after.Pid, (await client.GetFromJsonAsync<WhoAmI>("/whoami"))!.Pid);
    }

    [Fact]
    public void Databases_and_parameters_are_ready_and_logs_are_captured()
    {
        Assert.True(Resources.Get("testdb").IsHealthy);
        Assert.True(Resources.Get("cache-password").IsHealthy);
        Assert.Contains(Resources.Get("testdb").Log.Snapshot(), line => line.Text.Contains("created database testdb", StringComparison.Ordinal));
        Assert.Contains(Resources.Get("messaging").Log.Snapshot(), line => line.Text.Contains("Server startup complete", StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(fixture.AppDataPath, "logs", "cache.log")));
    }

    [Fact]
    public async Task An_executable_gets_its_port_through_its_environment_variable_and_serves()
    {
        var files = Resources.Get("files");
        var port = fixture.App.GetEndpoint("files").Port;

        Assert.True(files.IsHealthy);
        Assert.Equal(port.ToString(System.Globalization.CultureInfo.InvariantCulture), ProcessInfo.Environment(files.Replicas[0].Pid!.Value)["PORT"]);
        using var client = fixture.App.CreateHttpClient("files");
        Assert.Contains("Program.cs", await client.GetStringAsync("/"));
    }

    private static async Task<string?> RedisPingAsync(int port, string password)
    {
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        var stream = client.GetStream();
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"AUTH {password}\r\nPING\r\n"));
        using var reader = new StreamReader(stream);
        Assert.Equal("+OK", await reader.ReadLineAsync());
        return await reader.ReadLineAsync();
    }

    [GeneratedRegex(@"^127\.0\.0\.1:(?<port>\d+),password=(?<password>\w+)$")]
    private static partial Regex RedisConnectionString();

    private sealed record WhoAmI(int Pid, int Port);
}
