using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Shop.Testing;

namespace Shop.Ordering.Worker.Tests;

/// <summary>
/// The whole Shop composition (the real AppHost Program.cs). The tests wait only for what the worker needs (its
/// servers and itself): they do not depend on the catalog, the storefront or the API, which other people change
/// at the same time; they announce their own sales and publish their own reservations.
/// </summary>
public class WorkerAppFixture : IAsyncLifetime
{
    private static readonly string[] Needed = ["gate", "postgres", "orderingdb", "messaging", "ordering-worker"];

    /// <summary>The worker's payment timeout: the default (10 minutes) unless a fixture watches expiry.</summary>
    public virtual TimeSpan PaymentTimeout => TimeSpan.FromMinutes(10);

    public ShopApp App { get; private set; } = null!;

    public WorkerTestClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        App = await ShopApp.StartAsync(
            configure: builder => builder.CreateResourceBuilder(builder.Resources.OfType<ProjectResource>().Single(r => r.Name == "ordering-worker"))
                .WithEnvironment("Ordering__PaymentTimeout", PaymentTimeout.ToString("c"))
                // A dead consumer's entries are taken over after 3 s rather than 10 (WorkerKillTests).
                .WithEnvironment("Ordering__Worker__ClaimAfter", "00:00:03"),
            only: Needed);
        Client = await WorkerTestClient.CreateAsync(App.App);
        // The gate of a new system is alive once the worker has "rebuilt" it from the (empty) ledger.
        // Start-up under a loaded CI machine (several compositions booting at once) can take well beyond 30 s.
        await Eventually.TrueAsync(Client.GateReadyAsync, "ordering:ready set by the worker", TimeSpan.FromMinutes(2));
    }

    /// <summary>
    /// The sum of a counter's series in the worker's own Prometheus endpoint (/metrics) whose labels include
    /// <paramref name="labelValue"/>; 0 when it has none yet.
    /// </summary>
    public async Task<double> WorkerMetricAsync(string name, string labelValue)
    {
        using var http = new HttpClient();
        var text = await http.GetStringAsync(new Uri(App.Instances("ordering-worker").Single().HttpAddress, "/metrics"));
        return text.Split('\n')
            .Where(line => line.StartsWith(name + "{", StringComparison.Ordinal) && line.Contains($"\"{labelValue}\"", StringComparison.Ordinal))
            // "name{labels} value [timestamp]"
            .Sum(line => double.Parse(line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>The worker's console output so far (every replica, restarts included).</summary>
    public IEnumerable<string> WorkerLog() => App.States.LogOf("ordering-worker");

    public async Task DisposeAsync()
    {
        if (Client is not null)
        {
            await Client.DisposeAsync();
        }
        // The app's data folder (and its logs) is deleted with it: keep the worker's log next to the test binaries.
        if (App is null)
        {
            return;
        }
        var logs = Path.Combine(AppContext.BaseDirectory, "worker-logs");
        Directory.CreateDirectory(logs);
        await File.WriteAllLinesAsync(Path.Combine(logs, GetType().Name + ".log"), WorkerLog());
        await App.DisposeAsync();
    }
}

/// <summary>A 3-second payment timeout, so that expiry can be watched.</summary>
public sealed class ExpiryFixture : WorkerAppFixture
{
    public override TimeSpan PaymentTimeout => TimeSpan.FromSeconds(3);
}

/// <summary>The tests that watch orders expire (lifecycle, the events announcing it) share one composition.</summary>
[CollectionDefinition(Name)]
public sealed class ExpiryCollection : ICollectionFixture<ExpiryFixture>
{
    public const string Name = "expiry";
}

/// <summary>
/// One composition for the worker's tests that leave it as they found it (arming, persistence), and for those that
/// kill or restart a shared part (the worker, RabbitMQ, the gate's Redis): one test at a time, each fault test brings
/// back what it broke and waits until it is healthy before it ends, and every test works on sales of its own. One
/// boot, not one per kind of test (a boot costs 20–60 s here).
/// </summary>
[CollectionDefinition(Name)]
public sealed class PipelineCollection : ICollectionFixture<WorkerAppFixture>
{
    public const string Name = "pipeline";
}
