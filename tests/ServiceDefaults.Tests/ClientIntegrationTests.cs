using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using Shop.ServiceDefaults.Clients;
using Shop.ServiceDefaults.Health;
using Shop.ServiceDefaults.Telemetry;
using StackExchange.Redis;

namespace Shop.ServiceDefaults.Tests;

public sealed class TestDbContext(DbContextOptions<TestDbContext> options) : DbContext(options);

public sealed class ClientIntegrationTests
{
    private static async Task<HealthReportEntry> CheckAsync(IHost host, string name)
    {
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Name == name);
        return report.Entries[name];
    }

    private static ICollection<HealthCheckRegistration> Registrations(IHost host) =>
        host.Services.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations;

    // ---- Redis -------------------------------------------------------------------------------------------

    [Fact]
    public async Task Redis_to_a_closed_port_resolves_and_reports_unhealthy()
    {
        var port = TestServer.ClosedPort();
        using var host = TestHost.Build(
            new Dictionary<string, string?> { ["ConnectionStrings:cache"] = $"127.0.0.1:{port},connectTimeout=300" },
            builder => builder.AddRedisClient("cache"));

        var multiplexer = host.Services.GetRequiredService<IConnectionMultiplexer>();
        var entry = await CheckAsync(host, "cache");

        Assert.False(multiplexer.IsConnected);
        Assert.Contains($"127.0.0.1:{port}", multiplexer.Configuration, StringComparison.Ordinal);
        Assert.Contains("abortConnect=False", multiplexer.Configuration, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Contains(HealthEndpoints.ReadyTag, entry.Tags);
        var registration = Assert.Single(Registrations(host), r => r.Name == "cache");
        Assert.Equal(HealthEndpoints.DependencyCheckTimeout, registration.Timeout);
    }

    [Fact]
    public void Redis_reads_the_settings_section_and_connection_strings_win()
    {
        using var fromSection = TestHost.Build(
            new Dictionary<string, string?> { ["Aspire:StackExchange:Redis:ConnectionString"] = "redis.section:1111,password=s3cret" },
            builder => builder.AddRedisClient("cache"));
        using var fromConnectionStrings = TestHost.Build(
            new Dictionary<string, string?>
            {
                ["Aspire:StackExchange:Redis:ConnectionString"] = "redis.section:1111",
                ["ConnectionStrings:cache"] = "redis.cs:2222",
            },
            builder => builder.AddRedisClient("cache"));
        using var fromCode = TestHost.Build(
            new Dictionary<string, string?> { ["ConnectionStrings:cache"] = "redis.cs:2222" },
            builder => builder.AddRedisClient("cache", s => s.ConnectionString = "redis.code:3333", o => o.ConnectTimeout = 1234));

        var section = fromSection.Services.GetRequiredKeyedService<RedisConnection>("cache");
        var connectionStrings = fromConnectionStrings.Services.GetRequiredKeyedService<RedisConnection>("cache");
        var code = fromCode.Services.GetRequiredKeyedService<RedisConnection>("cache");

        Assert.Equal("redis.section:1111", section.Endpoints);
        Assert.Equal("s3cret", section.Options.Password);
        Assert.False(section.Options.AbortOnConnectFail);
        Assert.Equal("redis.cs:2222", connectionStrings.Endpoints);
        Assert.Equal("redis.code:3333", code.Endpoints);
        Assert.Equal(1234, code.Options.ConnectTimeout);
    }

    [Fact]
    public void Redis_health_check_can_be_disabled_globally_or_per_connection()
    {
        using var global = TestHost.Build(
            new Dictionary<string, string?> { ["ConnectionStrings:cache"] = "localhost:1", ["Aspire:StackExchange:Redis:DisableHealthChecks"] = "true" },
            builder => builder.AddRedisClient("cache"));
        using var perConnection = TestHost.Build(
            new Dictionary<string, string?> { ["ConnectionStrings:cache"] = "localhost:1", ["Aspire:StackExchange:Redis:cache:DisableHealthChecks"] = "true" },
            builder => builder.AddRedisClient("cache"));
        using var enabled = TestHost.Build(
            new Dictionary<string, string?> { ["ConnectionStrings:cache"] = "localhost:1" },
            builder => builder.AddRedisClient("cache"));

        Assert.DoesNotContain(Registrations(global), r => r.Name == "cache");
        Assert.DoesNotContain(Registrations(perConnection), r => r.Name == "cache");
        Assert.Contains(Registrations(enabled), r => r.Name == "cache");
    }

    [Fact]
    public async Task Redis_without_connection_string_starts_and_says_what_is_missing()
    {
        using var host = TestHost.Build(new Dictionary<string, string?>(), builder => builder.AddRedisClient("cache"));

        var entry = await CheckAsync(host, "cache");
        var error = Assert.Throws<InvalidOperationException>(() => host.Services.GetRequiredService<IConnectionMultiplexer>());

        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Contains("ConnectionStrings:cache", entry.Description, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings:cache", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Redis_against_a_real_server_is_healthy()
    {
        // The set-up (scripts/setup.sh) installs redis-server; its absence is a failure, not a reason to pass.
        await using var redis = await RedisProcess.StartAsync();

        using var host = TestHost.Build(
            new Dictionary<string, string?> { ["ConnectionStrings:cache"] = $"127.0.0.1:{redis.Port}" },
            builder => builder.AddRedisClient("cache"));
        await host.StartAsync();

        var multiplexer = host.Services.GetRequiredService<IConnectionMultiplexer>();
        await multiplexer.GetDatabase().StringSetAsync("shop:test", "1");
        var entry = await CheckAsync(host, "cache");

        Assert.Equal("1", (string?)await multiplexer.GetDatabase().StringGetAsync("shop:test"));
        Assert.Equal(HealthStatus.Healthy, entry.Status);
        Assert.StartsWith("PING", entry.Description, StringComparison.Ordinal);
        await host.StopAsync();
    }

    // ---- Npgsql + EF Core --------------------------------------------------------------------------------

    [Fact]
    public void Npgsql_reads_connection_string_and_settings_into_pooled_context_and_data_source()
    {
        using var host = TestHost.Build(
            new Dictionary<string, string?>
            {
                ["ConnectionStrings:catalogdb"] = "Host=db.example;Port=5433;Username=shop;Password=pw;Database=catalogdb",
                ["Aspire:Npgsql:EntityFrameworkCore:PostgreSQL:CommandTimeout"] = "17",
            },
            builder => builder.AddNpgsqlDbContext<TestDbContext>("catalogdb"));

        using var scope = host.Services.CreateScope();
        var context = scope.ServiceProvider.GetRequiredService<TestDbContext>();
        var dataSource = host.Services.GetRequiredService<NpgsqlDataSource>();

        var builder = new NpgsqlConnectionStringBuilder(context.Database.GetConnectionString());
        Assert.Equal(("db.example", 5433, "catalogdb"), (builder.Host, builder.Port, builder.Database));
        Assert.Equal(17, context.Database.GetCommandTimeout());
        Assert.True(context.Database.CreateExecutionStrategy().RetriesOnFailure);
        Assert.Same(dataSource, host.Services.GetRequiredKeyedService<NpgsqlDataSource>("catalogdb"));
        Assert.Contains("Host=db.example", dataSource.ConnectionString, StringComparison.Ordinal);

        // Pooling: a context returned by one scope is handed to the next one.
        TestDbContext first;
        using (var one = host.Services.CreateScope())
        {
            first = one.ServiceProvider.GetRequiredService<TestDbContext>();
        }

        using var two = host.Services.CreateScope();
        Assert.Same(first, two.ServiceProvider.GetRequiredService<TestDbContext>());
    }

    [Fact]
    public void Npgsql_context_specific_section_and_code_override_settings()
    {
        using var fromSection = TestHost.Build(
            new Dictionary<string, string?>
            {
                ["ConnectionStrings:catalogdb"] = "Host=localhost;Database=catalogdb",
                ["Aspire:Npgsql:EntityFrameworkCore:PostgreSQL:TestDbContext:DisableRetry"] = "true",
            },
            builder => builder.AddNpgsqlDbContext<TestDbContext>("catalogdb"));
        using var fromCode = TestHost.Build(
            new Dictionary<string, string?> { ["ConnectionStrings:catalogdb"] = "Host=localhost;Database=catalogdb" },
            builder => builder.AddNpgsqlDbContext<TestDbContext>("catalogdb", s => s.DisableHealthChecks = true));

        using var scope = fromSection.Services.CreateScope();
        Assert.False(scope.ServiceProvider.GetRequiredService<TestDbContext>().Database.CreateExecutionStrategy().RetriesOnFailure);
        Assert.Contains(Registrations(fromSection), r => r.Name == "catalogdb");
        Assert.DoesNotContain(Registrations(fromCode), r => r.Name == "catalogdb");
    }

    [Fact]
    public async Task Npgsql_to_a_closed_port_reports_unhealthy()
    {
        var port = TestServer.ClosedPort();
        using var host = TestHost.Build(
            new Dictionary<string, string?> { ["ConnectionStrings:catalogdb"] = $"Host=127.0.0.1;Port={port};Username=u;Password=p;Database=catalogdb;Timeout=2" },
            builder => builder.AddNpgsqlDbContext<TestDbContext>("catalogdb"));

        var started = DateTime.UtcNow;
        var entry = await CheckAsync(host, "catalogdb");

        // One attempt, not the DbContext's retry loop, and the real reason in the report.
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(3), "the health check must not go through the retrying strategy");
        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.IsType<NpgsqlException>(entry.Exception, exactMatch: false);
        Assert.Contains(HealthEndpoints.ReadyTag, entry.Tags);
    }

    [Fact]
    public async Task Npgsql_without_connection_string_starts_and_says_what_is_missing()
    {
        using var host = TestHost.Build(new Dictionary<string, string?>(), builder => builder.AddNpgsqlDbContext<TestDbContext>("catalogdb"));

        var entry = await CheckAsync(host, "catalogdb");
        using var scope = host.Services.CreateScope();
        var error = Assert.Throws<InvalidOperationException>(() => scope.ServiceProvider.GetRequiredService<TestDbContext>());

        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Contains("ConnectionStrings:catalogdb", entry.Description, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings:catalogdb", error.Message, StringComparison.Ordinal);
    }

    // ---- RabbitMQ ----------------------------------------------------------------------------------------

    [Fact]
    public async Task RabbitMQ_reads_connection_string_retries_a_bounded_number_of_times_and_reports_unhealthy()
    {
        var port = TestServer.ClosedPort();
        using var host = TestHost.Build(
            new Dictionary<string, string?>
            {
                ["ConnectionStrings:messaging"] = $"amqp://shop:secret@127.0.0.1:{port}",
                ["Aspire:RabbitMQ:Client:MaxConnectRetryCount"] = "2",
                ["Aspire:RabbitMQ:Client:ConnectRetryBaseDelay"] = "00:00:00.010",
            },
            builder => builder.AddRabbitMQClient("messaging", configureConnectionFactory: f => f.RequestedHeartbeat = TimeSpan.FromSeconds(7)));
        var provider = host.Services.GetRequiredService<RabbitMQConnectionProvider>();

        Assert.Equal($"127.0.0.1:{port}/", provider.Endpoint);
        Assert.Equal(TimeSpan.FromSeconds(7), provider.Factory?.RequestedHeartbeat);
        Assert.Equal("shop", provider.Factory?.UserName);

        var started = DateTime.UtcNow;
        await Assert.ThrowsAsync<BrokerUnreachableException>(() => provider.GetConnectionAsync());
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5));
        Assert.False(provider.TryGetConnection(out _));

        var entry = await CheckAsync(host, "messaging");
        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.DoesNotContain("secret", entry.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void RabbitMQ_rejects_a_malformed_connection_string_without_echoing_the_password()
    {
        var error = Assert.Throws<InvalidOperationException>(() => TestHost.Build(
            new Dictionary<string, string?> { ["ConnectionStrings:messaging"] = "http://shop:topsecret@127.0.0.1:5672" },
            builder => builder.AddRabbitMQClient("messaging")));

        Assert.Contains("amqp://", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("topsecret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RabbitMQ_without_connection_string_starts_and_says_what_is_missing()
    {
        using var host = TestHost.Build(new Dictionary<string, string?>(), builder => builder.AddRabbitMQClient("messaging"));

        var entry = await CheckAsync(host, "messaging");
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.Services.GetRequiredService<RabbitMQConnectionProvider>().GetConnectionAsync());

        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Contains("ConnectionStrings:messaging", entry.Description, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings:messaging", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RabbitMQ_settings_section_disables_tracing_and_health_checks()
    {
        using var host = TestHost.Build(
            new Dictionary<string, string?>
            {
                ["Aspire:RabbitMQ:Client:ConnectionString"] = "amqp://guest:guest@localhost:5672",
                ["Aspire:RabbitMQ:Client:messaging:DisableHealthChecks"] = "true",
                ["Aspire:RabbitMQ:Client:DisableTracing"] = "true",
            },
            builder => builder.AddRabbitMQClient("messaging"));

        Assert.DoesNotContain(Registrations(host), r => r.Name == "messaging");
        Assert.Contains("RabbitMQ.Client.*", host.Services.GetRequiredService<IOptions<ShopTelemetryOptions>>().Value.ExcludedSources);
        Assert.Equal("localhost:5672/", host.Services.GetRequiredService<RabbitMQConnectionProvider>().Endpoint);
    }
}
