using Shop.Testing;
using System.Text.Json;
using Npgsql;
using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Shop.IntegrationEvents;
using Shop.Ordering.Core.Redis;
using Shop.ServiceDefaults.Identity;

namespace Shop.Bench;

/// <summary>The buy path's admission settings the run gives ordering-api (Ordering:Admission); the defaults are Shop's.</summary>
public sealed record AdmissionSettings(int BuyerBurst = 5, int BuyerRequestsPerSecond = 5, int MaxConcurrentDecisions = 1024);

/// <summary>
/// A freshly started Shop as the bench runs it: the real AppHost (AppHost/Program.cs) through Aspire.Hosting.Testing
/// (random ports, a data folder of its own, everything stopped on dispose) with the admission settings of the run,
/// plus what only the bench needs: the textbook baseline (<see cref="BaselineComposition"/>: baseline-api and its
/// baselinedb on Shop's Postgres). Gives the generator the replicas' addresses, the signing key and the databases.
/// </summary>
public sealed class BenchedShop : IAsyncDisposable
{
    private readonly DistributedApplication _app;
    private readonly ResourceStates _states;
    private readonly AppIsolation _isolation;

    private BenchedShop(DistributedApplication app, ResourceStates states, AppIsolation isolation, string signingKey, AdmissionSettings admission, string environment,
        IReadOnlyList<Uri> orderingReplicas, IReadOnlyList<Uri> baselineReplicas, Uri catalog, Uri storefront, NpgsqlDataSource orderingDb, NpgsqlDataSource baselineDb,
        StackExchange.Redis.ConnectionMultiplexer? redis)
    {
        _app = app;
        _states = states;
        _isolation = isolation;
        SigningKey = signingKey;
        Admission = admission;
        Environment = environment;
        OrderingReplicas = orderingReplicas;
        BaselineReplicas = baselineReplicas;
        Catalog = catalog;
        Storefront = storefront;
        OrderingDb = orderingDb;
        BaselineDb = baselineDb;
        _redis = redis;
    }

    private readonly StackExchange.Redis.ConnectionMultiplexer? _redis;

    public string SigningKey { get; }

    public AdmissionSettings Admission { get; }

    public string Environment { get; }

    /// <summary>Each ordering-api replica's own address (not the round-robin proxy).</summary>
    public IReadOnlyList<Uri> OrderingReplicas { get; }

    /// <summary>Each baseline-api replica's own address (none when the run did not start it).</summary>
    public IReadOnlyList<Uri> BaselineReplicas { get; }

    /// <summary>catalog-api, one process, at its own address.</summary>
    public Uri Catalog { get; }

    public NpgsqlDataSource OrderingDb { get; }

    /// <summary>The baseline's database, on the same Postgres server as orderingdb.</summary>
    public NpgsqlDataSource BaselineDb { get; }

    /// <summary>A token of the admin role, signed with the app's key: for the admin-only calls that set a run up.</summary>
    public string AdminToken() =>
        new Shop.Testing.Tokens.TestTokenIssuer(SigningKey).Issue("bench-admin", "bench-admin", [ShopRoles.Admin]).AccessToken;

    /// <summary>The storefront (webfrontend), one process, at its own address: what a shopper's browser talks to.</summary>
    public Uri Storefront { get; }

    /// <summary>The gate's Redis (a run that started only the baseline has none).</summary>
    public StackExchange.Redis.ConnectionMultiplexer Redis => _redis ?? throw new InvalidOperationException("The gate was not started in this run.");

    /// <param name="perfMaps">Services write /tmp/perf-PID.map (DOTNET_PerfMapEnabled=1, W^X off) so that perf can name .NET methods.</param>
    /// <param name="only">Start only these resources and what they wait for (the rest of the composition is declared, not started); null: all.</param>
    public static async Task<BenchedShop> StartAsync(AdmissionSettings admission, Action<string> log, CancellationToken cancellationToken,
        string environment = "Production", bool perfMaps = false, bool rsaTokens = false, int? apiReplicas = null, IReadOnlyList<KeyValuePair<string, string>>? apiEnvironment = null,
        IReadOnlyList<KeyValuePair<string, string>>? workerEnvironment = null, IEnumerable<string>? only = null)
    {
        // A data folder and user secrets of its own (deleted on dispose): the run never touches the developer's app.
        var isolation = AppIsolation.Create("shop-bench-");
        // The bench's own signing key, which only this composition gives the services, so that the generator can mint
        // the shoppers' tokens (no deployment has it: the AppHost never sets Identity:TestSigningKey).
        var signingKey = rsaTokens ? Shop.Testing.Tokens.TestTokenIssuer.NewRsaKey() : Shop.Testing.Tokens.TestTokenIssuer.NewKey();
        DistributedApplication? app = null;
        ResourceStates? states = null;
        try
        {
            var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
                [.. isolation.Arguments], cancellationToken).ConfigureAwait(false);
            // The AppHost's appsettings.json asks for Information; the servers' and services' own output (forwarded as
            // "AppHost.Resources.*") would drown the run's console, so only their warnings and errors show.
            builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning).AddFilter("AppHost.Resources", LogLevel.Warning));
            foreach (var project in builder.Resources.OfType<ProjectResource>().ToList())
            {
                // The services run in the run's environment (Production unless asked), whatever their launch profiles say.
                builder.CreateResourceBuilder(project)
                    .WithEnvironment("ASPNETCORE_ENVIRONMENT", environment)
                    .WithEnvironment("DOTNET_ENVIRONMENT", environment);
            }
            // The bench's visitors all come from one address: the storefront's per-address limit of anonymous requests
            // would measure itself (the limit is for a shop on the internet; the bench measures the path behind it).
            builder.CreateResourceBuilder(builder.Resources.OfType<ProjectResource>().Single(r => r.Name == "webfrontend"))
                .WithEnvironment("Storefront__Edge__AnonymousBurst", "0")
                .WithEnvironment("Storefront__Edge__AnonymousPerSecond", "0");
            var orderingApi = builder.Resources.OfType<ProjectResource>().Single(r => r.Name == "ordering-api");
            var api = builder.CreateResourceBuilder(orderingApi)
                .WithEnvironment("Ordering__Admission__BuyerBurst", admission.BuyerBurst.ToString(CultureInfo.InvariantCulture))
                .WithEnvironment("Ordering__Admission__BuyerRequestsPerSecond", admission.BuyerRequestsPerSecond.ToString(CultureInfo.InvariantCulture))
                .WithEnvironment("Ordering__Admission__MaxConcurrentDecisions", admission.MaxConcurrentDecisions.ToString(CultureInfo.InvariantCulture));
            if (apiReplicas is { } replicaCount)
            {
                api.WithReplicas(replicaCount);
            }
            foreach (var (name, value) in apiEnvironment ?? [])
            {
                api.WithEnvironment(name, value);
            }
            // What only the bench needs, in its own composition: the textbook baseline, as many replicas as ordering-api.
            BaselineComposition.Add(builder, replicas: orderingApi.Annotations.OfType<ReplicaAnnotation>().LastOrDefault()?.Replicas ?? 1, environment);
            ShopApp.TrustTestTokens(builder, signingKey);
            var worker = builder.CreateResourceBuilder(builder.Resources.OfType<ProjectResource>().Single(r => r.Name == "ordering-worker"));
            foreach (var (name, value) in workerEnvironment ?? [])
            {
                worker.WithEnvironment(name, value);
            }
            if (perfMaps)
            {
                foreach (var project in builder.Resources.OfType<ProjectResource>())
                {
                    // W^X double-maps JIT code (memfd:doublemapper), which perf cannot match with the perf map: off while profiling.
                    builder.CreateResourceBuilder(project).WithEnvironment("DOTNET_PerfMapEnabled", "1").WithEnvironment("DOTNET_EnableWriteXorExecute", "0");
                }
            }
            // The whole app, or (a smoke run) only the resources asked for and what they wait for (Shop.Testing's Composition).
            var starting = (only is null ? builder.Resources.Where(Composition.IsStartable) : Composition.StartOnly(builder, only)).ToList();
            // The migrations resource exits once done and is never "healthy": what waits for it is, once it exited with code 0.
            var completing = Composition.RunningToCompletion(builder.Resources, starting);
            var waitable = starting.Select(r => r.Name).Where(name => !completing.Contains(name)).ToList();
            app = await builder.BuildAsync(cancellationToken).ConfigureAwait(false);
            states = ResourceStates.Follow(app);
            log($"starting Shop (data in {isolation.DataFolder.FullName}) ...");
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromMinutes(4));
            try
            {
                await app.StartAsync(timeout.Token).ConfigureAwait(false);
                await Task.WhenAll(waitable.Select(name => app.ResourceNotifications.WaitForResourceHealthyAsync(name, timeout.Token))).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"Shop did not become healthy within 4 minutes: {states.Describe(waitable)}");
            }
            // Every service at its processes' own addresses, like the bare Kestrel: not through DCP's proxy, which, in the
            // storms on catalog-api and the storefront, took 0.34–0.38 of the 2 cores (a --perf run, 2026-12-07).
            var replicas = states.Running("ordering-api").Select(r => r.HttpAddress).ToList();
            if (replicas.Count == 0 && waitable.Contains("ordering-api"))
            {
                throw new InvalidOperationException("ordering-api has no running replica.");
            }
            var baselineReplicas = states.Running(BaselineComposition.Resource).Select(r => r.HttpAddress).ToList();
            if (baselineReplicas.Count == 0 && waitable.Contains(BaselineComposition.Resource))
            {
                throw new InvalidOperationException($"{BaselineComposition.Resource} has no running replica.");
            }
            await EveryReplicaListensAsync([.. replicas, .. baselineReplicas]).ConfigureAwait(false);
            // A smoke run may start neither: their proxied address then stays (unused).
            var catalog = states.Running("catalog-api").Select(r => r.HttpAddress).FirstOrDefault() ?? app.GetEndpoint("catalog-api", "http");
            var storefront = states.Running("webfrontend").Select(r => r.HttpAddress).FirstOrDefault() ?? app.GetEndpoint("webfrontend", "http");
            var orderingDb = NpgsqlDataSource.Create(await ConnectionStringAsync(app, "orderingdb", cancellationToken).ConfigureAwait(false));
            var baselineDb = NpgsqlDataSource.Create(await ConnectionStringAsync(app, BaselineComposition.Database, cancellationToken).ConfigureAwait(false));
            var redis = waitable.Contains("gate")
                ? await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(
                    await ConnectionStringAsync(app, "gate", cancellationToken).ConfigureAwait(false) + ",abortConnect=false,allowAdmin=true").ConfigureAwait(false)
                : null;
            return new BenchedShop(app, states, isolation, signingKey, admission, environment, replicas, baselineReplicas, catalog, storefront, orderingDb, baselineDb, redis);
        }
        catch
        {
            if (app is not null)
            {
                await StopAndDisposeAsync(app).ConfigureAwait(false);
            }
            states?.Dispose();
            isolation.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Aspire checks a replicated project's health through DCP's proxy, so a replica can be reported healthy before it
    /// listens itself (Shop.Testing's ShopApp waits the same way): the run addresses each replica directly.
    /// </summary>
    private static async Task EveryReplicaListensAsync(IEnumerable<Uri> addresses)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        foreach (var address in addresses)
        {
            await Eventually.TrueAsync(async () =>
            {
                try
                {
                    using var answer = await http.GetAsync(new Uri(address, "/health")).ConfigureAwait(false);
                    return answer.IsSuccessStatusCode;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    return false;
                }
            }, $"the replica at {address} answers /health", TimeSpan.FromMinutes(2)).ConfigureAwait(false);
        }
    }

    public Task<string> ConnectionStringAsync(string resource, CancellationToken cancellationToken = default) =>
        ConnectionStringAsync(_app, resource, cancellationToken);

    /// <summary>
    /// The process ids of a resource's replicas (a server has one): for a project the service process itself, not
    /// the <c>dotnet run</c> launcher DCP reports, so that perf, the JIT meter and context-switch counts see the service.
    /// </summary>
    public IReadOnlyList<int> Pids(string resource) => [.. _states.Running(resource).Select(r => ProcessCpu.ServiceProcess(r.Pid))];

    private static async Task<string> ConnectionStringAsync(DistributedApplication app, string resource, CancellationToken cancellationToken) =>
        await app.GetConnectionStringAsync(resource, cancellationToken).ConfigureAwait(false)
        ?? throw new InvalidOperationException($"{resource} has no connection string.");

    /// <summary>Stopped before it is disposed, as the AppHost is on Ctrl+C, so that the services stop while their servers are up.</summary>
    private static async Task StopAndDisposeAsync(DistributedApplication app)
    {
        try
        {
            using var stopping = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            await app.StopAsync(stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Disposing ends what is left.
        }
        await app.DisposeAsync().ConfigureAwait(false);
    }

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
        await ShopEvents.PublishAsync(this, [new(EventTopology.FlashSaleChangedRoutingKey, EventTopology.FlashSaleChangedType, change.EventId,
            JsonSerializer.SerializeToUtf8Bytes(change, IntegrationEventsJsonContext.Default.FlashSaleChanged))], cancellationToken).ConfigureAwait(false);

        var redis = Redis.GetDatabase();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!(await redis.KeyExistsAsync(GateKeys.Stock(saleId)).ConfigureAwait(false)
                 && await redis.KeyExistsAsync(GateKeys.Ready).ConfigureAwait(false)
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

    private async Task<bool> LedgerRowExistsAsync(Guid saleId, CancellationToken cancellationToken)
    {
        await using var command = OrderingDb.CreateCommand("SELECT count(*) FROM stocks WHERE stock_id = @s");
        command.Parameters.AddWithValue("s", saleId);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) == 1;
    }

    public async ValueTask DisposeAsync()
    {
        _redis?.Dispose();
        await OrderingDb.DisposeAsync().ConfigureAwait(false);
        await BaselineDb.DisposeAsync().ConfigureAwait(false);
        await StopAndDisposeAsync(_app).ConfigureAwait(false);
        _states.Dispose();
        _isolation.Dispose();
    }
}
