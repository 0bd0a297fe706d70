using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using RabbitMQ.Client;
using Shop.Hosting;
using Shop.Hosting.ApplicationModel;
using Shop.Hosting.Testing;
using Shop.IntegrationEvents;
using Shop.Ordering.Core.Redis;
using Shop.ServiceDefaults.Identity;

namespace Shop.Bench;

/// <summary>The buy path's admission settings the run gives ordering-api (Ordering:Buying); the defaults are Shop's.</summary>
public sealed record AdmissionSettings(int BuyerBurst = 5, int BuyerRequestsPerSecond = 5, int MaxConcurrentDecisions = 1024);

/// <summary>
/// A freshly started Shop: the AppHost's own composition through the test builder (random ports, a data folder
/// of its own, everything stopped on dispose), with the baseline endpoints switched on and the admission
/// settings of the run. Gives the generator the replicas' addresses, the signing key and the databases.
/// </summary>
public sealed class ShopApp : IAsyncDisposable
{
    private readonly DistributedApplication _app;
    private readonly HttpClient _admin;
    private readonly string _adminToken;

    private ShopApp(DistributedApplication app, string signingKey, AdmissionSettings admission, string environment,
        IReadOnlyList<Uri> orderingReplicas, Uri catalog, NpgsqlDataSource orderingDb, StackExchange.Redis.ConnectionMultiplexer redis)
    {
        _app = app;
        SigningKey = signingKey;
        Admission = admission;
        Environment = environment;
        OrderingReplicas = orderingReplicas;
        Catalog = catalog;
        OrderingDb = orderingDb;
        Redis = redis;
        _admin = new HttpClient { BaseAddress = orderingReplicas[0], Timeout = TimeSpan.FromSeconds(30) };
        var tokens = new ShopTokenIssuer(Microsoft.Extensions.Options.Options.Create(new ShopTokenOptions { SigningKey = signingKey }), TimeProvider.System);
        _adminToken = tokens.Issue("bench-admin", "bench-admin", [ShopRoles.Admin]).AccessToken;
    }

    public string SigningKey { get; }

    public AdmissionSettings Admission { get; }

    public string Environment { get; }

    /// <summary>Each ordering-api replica's own address (not the round-robin proxy).</summary>
    public IReadOnlyList<Uri> OrderingReplicas { get; }

    public Uri Catalog { get; }

    public NpgsqlDataSource OrderingDb { get; }

    public StackExchange.Redis.ConnectionMultiplexer Redis { get; }

    /// <param name="perfMaps">Services write /tmp/perf-PID.map (DOTNET_PerfMapEnabled=1, W^X off) so that perf can name .NET methods.</param>
    public static async Task<ShopApp> StartAsync(AdmissionSettings admission, Action<string> log, CancellationToken cancellationToken,
        string environment = "Production", bool perfMaps = false, int? apiReplicas = null, IReadOnlyList<KeyValuePair<string, string>>? apiEnvironment = null,
        IReadOnlyList<KeyValuePair<string, string>>? workerEnvironment = null)
    {
        var testing = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(configuration: new Dictionary<string, string?>
        {
            ["Hosting:ProjectEnvironment"] = environment,
        }).ConfigureAwait(false);
        var orderingApi = (ProjectResource)testing.Builder.Resources.Single(r => r.Name == "ordering-api");
        testing.Builder.CreateResourceBuilder(orderingApi)
            .WithEnvironment("Ordering__Baseline__Enabled", "true")
            .WithEnvironment("Ordering__Buying__BuyerBurst", admission.BuyerBurst.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithEnvironment("Ordering__Buying__BuyerRequestsPerSecond", admission.BuyerRequestsPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithEnvironment("Ordering__Buying__MaxConcurrentDecisions", admission.MaxConcurrentDecisions.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var api = testing.Builder.CreateResourceBuilder(orderingApi);
        if (apiReplicas is { } replicaCount)
        {
            api.WithReplicas(replicaCount);
        }
        foreach (var (name, value) in apiEnvironment ?? [])
        {
            api.WithEnvironment(name, value);
        }
        var worker = testing.Builder.CreateResourceBuilder((ProjectResource)testing.Builder.Resources.Single(r => r.Name == "ordering-worker"));
        foreach (var (name, value) in workerEnvironment ?? [])
        {
            worker.WithEnvironment(name, value);
        }
        if (perfMaps)
        {
            foreach (var project in testing.Builder.Resources.OfType<ProjectResource>().Where(p => p.Name is "ordering-api" or "ordering-worker"))
            {
                // W^X double-maps JIT code (memfd:doublemapper), which perf cannot match with the perf map: off while profiling.
                testing.Builder.CreateResourceBuilder(project).WithEnvironment("DOTNET_PerfMapEnabled", "1").WithEnvironment("DOTNET_EnableWriteXorExecute", "0");
            }
        }
        var signingKey = ((ParameterResource)testing.Builder.Resources.Single(r => r.Name == "jwt-signing-key")).Value;
        var app = await testing.BuildAsync().ConfigureAwait(false);
        try
        {
            log($"starting Shop (data in {testing.AppDataPath}) ...");
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromMinutes(4));
            try
            {
                await app.WaitForAllHealthyAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                var unhealthy = app.GetResources().All.Where(r => !r.IsHealthy).Select(r => $"{r.Resource.Name} ({r.State}, {r.HealthDescription ?? r.Error ?? "no health yet"})");
                throw new TimeoutException($"Shop did not become healthy within 4 minutes: {string.Join("; ", unhealthy)}. See the resources' logs in {testing.AppDataPath}/logs (kept only while the app runs).");
            }
            var replicas = app.GetResources().Get("ordering-api").Replicas
                .Select(r => new Uri($"http://127.0.0.1:{r.Port ?? throw new InvalidOperationException("An ordering-api replica has no port.")}"))
                .ToList();
            var orderingDb = NpgsqlDataSource.Create(await app.GetConnectionStringAsync("orderingdb", cancellationToken).ConfigureAwait(false));
            var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(
                await app.GetConnectionStringAsync("cache", cancellationToken).ConfigureAwait(false) + ",abortConnect=false,allowAdmin=true").ConfigureAwait(false);
            return new ShopApp(app, signingKey, admission, environment, replicas, app.GetEndpoint("catalog-api"), orderingDb, redis);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public Task<string> ConnectionStringAsync(string resource, CancellationToken cancellationToken = default) =>
        _app.GetConnectionStringAsync(resource, cancellationToken);

    /// <summary>The process ids of a resource's replicas (a server has one).</summary>
    public IReadOnlyList<int> Pids(string resource) =>
        [.. _app.GetResources().Get(resource).Replicas.Where(r => r.Pid is not null).Select(r => r.Pid!.Value)];

    /// <summary>
    /// Announces a sale on shop.events exactly as Catalog does (FlashSaleChanged), and waits until the worker has
    /// written its ledger row and armed the Redis gate.
    /// </summary>
    public async Task<Guid> ArmSaleAsync(int quantity, int perBuyerLimit, CancellationToken cancellationToken, decimal salePrice = 9.99m)
    {
        var saleId = Guid.NewGuid();
        var change = new FlashSaleChanged
        {
            SaleId = saleId, ItemId = 1, ItemName = "Benchmark item", RegularPrice = 19.99m, SalePrice = salePrice,
            Quantity = quantity, PerBuyerLimit = perBuyerLimit,
            StartsAt = DateTimeOffset.UtcNow.AddSeconds(-1), EndsAt = DateTimeOffset.UtcNow.AddHours(2),
            Status = FlashSaleStatus.Scheduled, Version = 1,
        };
        var factory = new ConnectionFactory { Uri = new Uri(await _app.GetConnectionStringAsync("messaging", cancellationToken).ConfigureAwait(false)) };
        var connection = await factory.CreateConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var channel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true), cancellationToken).ConfigureAwait(false);
            await using (channel.ConfigureAwait(false))
            {
                await channel.ExchangeDeclareAsync(EventTopology.Exchange, ExchangeType.Topic, durable: true, cancellationToken: cancellationToken).ConfigureAwait(false);
                var body = JsonSerializer.SerializeToUtf8Bytes(change, IntegrationEventsJsonContext.Default.FlashSaleChanged);
                await channel.BasicPublishAsync(EventTopology.Exchange, EventTopology.FlashSaleChangedRoutingKey, mandatory: true,
                    new BasicProperties { Persistent = true, MessageId = change.EventId.ToString(), Type = EventTopology.FlashSaleChangedType, ContentType = "application/json" },
                    body, cancellationToken).ConfigureAwait(false);
            }
        }

        var redis = Redis.GetDatabase();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!(await redis.KeyExistsAsync(GateKeys.Sale(saleId)).ConfigureAwait(false)
                 && await redis.KeyExistsAsync(GateKeys.Alive).ConfigureAwait(false)
                 && await LedgerRowExistsAsync(saleId, cancellationToken).ConfigureAwait(false)))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Sale {saleId} was not armed within 60 s (is ordering-worker running?).");
            }
            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }
        return saleId;
    }

    /// <summary>Creates a sale of the textbook baseline (POST /api/baseline/flash-sales, admin) with the same stock and limit.</summary>
    public async Task<Guid> ArmBaselineSaleAsync(int quantity, int perBuyerLimit, CancellationToken cancellationToken, decimal salePrice = 9.99m)
    {
        var saleId = Guid.NewGuid();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/baseline/flash-sales")
        {
            Content = JsonContent.Create(new
            {
                saleId, quantity, perBuyerLimit, salePrice,
                startsAt = DateTimeOffset.UtcNow.AddSeconds(-1), endsAt = DateTimeOffset.UtcNow.AddHours(2),
            }),
        };
        request.Headers.Authorization = new("Bearer", _adminToken);
        using var response = await _admin.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Arming the baseline sale answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)}");
        }
        return saleId;
    }

    private async Task<bool> LedgerRowExistsAsync(Guid saleId, CancellationToken cancellationToken)
    {
        await using var command = OrderingDb.CreateCommand("SELECT count(*) FROM flash_sales WHERE sale_id = @s");
        command.Parameters.AddWithValue("s", saleId);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) == 1;
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        Redis.Dispose();
        await OrderingDb.DisposeAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
