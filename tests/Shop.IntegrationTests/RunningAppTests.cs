using System.Net;
using System.Text.RegularExpressions;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Shop.Testing;

namespace Shop.IntegrationTests;

/// <summary>
/// The whole composition (docs/architecture.md, "The resources and their names") on this machine's servers, as the
/// services see it.
/// </summary>
[Collection(ShopAppCollection.Name)]
public sealed partial class RunningAppTests(ShopAppFixture fixture)
{
    private static readonly string[] Services = ShopAppFixture.Services;

    [Fact]
    public async Task Every_resource_of_the_design_is_healthy()
    {
        foreach (var name in (string[])["cache", "gate", "postgres", "catalogdb", "orderingdb", "identitydb", "messaging", "prometheus", "alertmanager", .. Services])
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var state = await fixture.Shop.Notifications.WaitForResourceHealthyAsync(name, timeout.Token);
            Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, state.Snapshot.HealthStatus);
            Assert.Equal(KnownResourceStates.Running, state.Snapshot.State?.Text);
        }
        Assert.Equal(2, fixture.Shop.Instances("ordering-api").Count);
        Assert.Single(fixture.Shop.Instances("catalog-api"));
        Assert.Single(fixture.Shop.Instances("ordering-worker"));
    }

    [Theory]
    [InlineData("catalog-api", new[] { "cache", "catalogdb", "messaging" })]
    [InlineData("ordering-api", new[] { "gate", "orderingdb" })]
    [InlineData("ordering-worker", new[] { "gate", "orderingdb", "messaging" })]
    [InlineData("identity-api", new[] { "identitydb" })]
    public async Task Each_service_receives_exactly_the_connection_strings_of_its_references(string service, string[] references)
    {
        foreach (var instance in fixture.Shop.Instances(service))
        {
            foreach (var reference in references)
            {
                var expected = await fixture.Shop.App.GetConnectionStringAsync(reference);
                var received = instance.Environment[$"ConnectionStrings__{reference}"];
                if (!reference.EndsWith("db", StringComparison.Ordinal))
                {
                    Assert.Equal(expected, received);
                    continue;
                }
                // A database: the same server and database as the resource's own connection string (the superuser's),
                // as the service's own role, with a password of its own (docs/architecture.md, "Database roles").
                var resource = new Npgsql.NpgsqlConnectionStringBuilder(expected);
                var role = new Npgsql.NpgsqlConnectionStringBuilder(received);
                Assert.Equal((resource.Host, resource.Port, resource.Database), (role.Host, role.Port, role.Database));
                Assert.Equal(service.Replace('-', '_'), role.Username);
                Assert.False(string.IsNullOrEmpty(role.Password));
                Assert.NotEqual(resource.Password, role.Password);
            }
            Assert.DoesNotContain("ConnectionStrings__catalogdb", service == "catalog-api" ? [] : instance.Environment.Keys);
            // The gate is the ordering services' Redis, the cache the catalog's: neither gets the other's.
            Assert.DoesNotContain(service == "catalog-api" ? "ConnectionStrings__gate" : "ConnectionStrings__cache", instance.Environment.Keys);
        }
        Assert.Matches(RedisFormat(), await fixture.Shop.App.GetConnectionStringAsync("cache"));
        Assert.Matches(RedisFormat(), await fixture.Shop.App.GetConnectionStringAsync("gate"));
        Assert.Matches(PostgresFormat(), await fixture.Shop.App.GetConnectionStringAsync("catalogdb"));
        Assert.Matches(RabbitFormat(), await fixture.Shop.App.GetConnectionStringAsync("messaging"));
    }

    [Fact]
    public async Task Each_service_replica_reports_healthy_and_alive()
    {
        foreach (var service in Services)
        {
            foreach (var instance in fixture.Shop.Instances(service))
            {
                using var client = new HttpClient { BaseAddress = instance.ManagementAddress };
                using var health = await client.GetAsync("/health");
                Assert.True(health.StatusCode == HttpStatusCode.OK, $"{instance.Name}: {(int)health.StatusCode} {await health.Content.ReadAsStringAsync()}");
                using var alive = await client.GetAsync("/alive");
                Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
            }
        }
    }

    [Fact]
    public async Task The_two_ordering_api_replicas_are_distinct_processes_and_both_take_connections()
    {
        var replicas = fixture.Shop.Instances("ordering-api");
        Assert.Equal(2, replicas.Select(r => r.Pid).Distinct().Count());
        Assert.Equal(2, replicas.Select(r => r.HttpPort).Distinct().Count());

        // Fresh connections (a handler each, so no shared pool) through the stable address, DCP's proxy, are
        // spread over the replicas.
        var address = fixture.Shop.App.GetEndpoint("ordering-api", "http");
        var clients = Enumerable.Range(0, 12).Select(_ => new HttpClient(new SocketsHttpHandler()) { BaseAddress = address }).ToList();
        try
        {
            foreach (var client in clients)
            {
                using var response = await client.GetAsync("/alive");
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
            foreach (var replica in replicas)
            {
                Assert.True(ProcessInfo.EstablishedConnectionsTo(replica.HttpPort) > 0, $"{replica.Name} took no connection");
            }
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task The_running_gate_fsyncs_every_write_and_never_evicts_and_the_running_cache_evicts_and_keeps_nothing()
    {
        // What the servers themselves say (CONFIG GET), not what we meant to write into their redis.conf.
        var gate = await ConfigAsync("gate", "appendonly", "appendfsync", "maxmemory-policy", "maxmemory", "dir");
        Assert.Equal("yes", gate["appendonly"]);
        Assert.Equal("always", gate["appendfsync"]);
        Assert.Equal("noeviction", gate["maxmemory-policy"]);
        Assert.Equal((4L * 1024 * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture), gate["maxmemory"]);
        Assert.True(Directory.Exists(Path.Combine(gate["dir"], "appendonlydir")), $"no append-only files in {gate["dir"]}");

        var cache = await ConfigAsync("cache", "appendonly", "save", "maxmemory", "maxmemory-policy");
        Assert.Equal("no", cache["appendonly"]);
        Assert.Equal("", cache["save"]);
        Assert.Equal((256L * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture), cache["maxmemory"]);
        Assert.Equal("allkeys-lru", cache["maxmemory-policy"]);
    }

    private async Task<Dictionary<string, string>> ConfigAsync(string resource, params string[] names)
    {
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync((await fixture.Shop.App.GetConnectionStringAsync(resource)) + ",allowAdmin=true");
        var server = redis.GetServer(redis.GetEndPoints().Single());
        var values = new Dictionary<string, string>();
        foreach (var name in names)
        {
            values[name] = (await server.ConfigGetAsync(name)).Single().Value;
        }
        return values;
    }

    [Fact]
    public void The_storefront_finds_the_apis_by_name_and_reaches_no_database_only_the_gate_for_its_sessions()
    {
        var web = fixture.Shop.Instances("webfrontend").Single().Environment;
        Assert.StartsWith("http://", web["services__ordering-api__http__0"], StringComparison.Ordinal);
        Assert.StartsWith("http://", web["services__catalog-api__http__0"], StringComparison.Ordinal);
        Assert.StartsWith("http://", web["services__identity-api__http__0"], StringComparison.Ordinal);
        Assert.Equal(["ConnectionStrings__gate"], web.Keys.Where(k => k.StartsWith("ConnectionStrings__", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_broker_knows_only_Shops_user_and_guest_cannot_connect()
    {
        // RabbitMQ's default user is not there: refused with its default password and with the broker's real one.
        var services = new Uri((await fixture.Shop.App.GetConnectionStringAsync("messaging"))!);
        Assert.Equal("shop", services.UserInfo.Split(':')[0]);
        var password = Uri.UnescapeDataString(services.UserInfo.Split(':', 2)[1]);
        foreach (var guestPassword in (string[])["guest", password])
        {
            var factory = new RabbitMQ.Client.ConnectionFactory
            {
                Uri = new UriBuilder(services) { UserName = "guest", Password = Uri.EscapeDataString(guestPassword) }.Uri,
                AutomaticRecoveryEnabled = false,
            };
            var refused = await Assert.ThrowsAsync<RabbitMQ.Client.Exceptions.BrokerUnreachableException>(() => factory.CreateConnectionAsync());
            var authentication = Assert.IsType<RabbitMQ.Client.Exceptions.AuthenticationFailureException>(refused.InnerException);
            Assert.Contains("ACCESS_REFUSED", authentication.Message, StringComparison.Ordinal);
        }
        await using var shop = await new RabbitMQ.Client.ConnectionFactory { Uri = services, AutomaticRecoveryEnabled = false }.CreateConnectionAsync();
        Assert.True(shop.IsOpen);
    }

    [Fact]
    public void Every_listening_socket_of_the_app_is_on_loopback()
    {
        var pids = ((string[])["cache", "gate", "postgres", "messaging", "messaging-epmd", "prometheus", "alertmanager", .. Services])
            .SelectMany(fixture.Shop.Instances)
            .SelectMany(i => (int[])[i.Pid, .. ProcessInfo.Descendants(i.Pid)])
            .Distinct().ToList();
        var addresses = pids.SelectMany(pid => ProcessInfo.ListeningAddresses(pid).Select(a => (pid, a))).ToList();

        // Both Redis, Postgres, RabbitMQ's AMQP and distribution ports, epmd, Prometheus, Alertmanager (no gossip
        // port), and every service replica.
        Assert.True(addresses.Count >= 12, string.Join(", ", addresses));
        var exposed = addresses.Where(x => !x.a.StartsWith("127.", StringComparison.Ordinal) && !x.a.StartsWith("::1:", StringComparison.Ordinal)).ToList();
        Assert.True(exposed.Count == 0, "listening beyond loopback: " + string.Join(", ", exposed.Select(x => $"{x.pid} {x.a}")));
    }

    [GeneratedRegex(@"^127\.0\.0\.1:\d+,password=[^,]+$")]
    private static partial Regex RedisFormat();

    [GeneratedRegex(@"^Host=127\.0\.0\.1;Port=\d+;Username=postgres;Password=[^;]+;Database=catalogdb$")]
    private static partial Regex PostgresFormat();

    [GeneratedRegex(@"^amqp://shop:[^@]+@127\.0\.0\.1:\d+$")]
    private static partial Regex RabbitFormat();
}
