using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Shop.Testing.Tokens;

namespace Shop.Testing;

/// <summary>
/// The real Shop composition (<c>AppHost/Program.cs</c>) started through Aspire.Hosting.Testing, isolated from the
/// developer's own app and from other test apps (<see cref="AppIsolation"/>). A test of one service starts only what
/// that service needs (<see cref="StartAsync"/>'s <c>only</c>): the rest of the composition is declared, as the
/// AppHost declares it, but not started. A start costs 10–35 s here: share one app per test collection.
/// </summary>
public sealed class ShopApp : IAsyncDisposable
{
    /// <summary>How long the stop may take before the app is disposed anyway (it takes about 5 s: docs/testing.md).</summary>
    private static readonly TimeSpan StopTimeout = TimeSpan.FromMinutes(1);

    private readonly AppIsolation _isolation;

    private ShopApp(DistributedApplication app, AppIsolation isolation, string signingKey, IReadOnlyList<string> started)
    {
        App = app;
        SigningKey = signingKey;
        Started = started;
        _isolation = isolation;
        States = ResourceStates.Follow(app);
    }

    public DistributedApplication App { get; }

    /// <summary>
    /// This app's test signing key (base64), which this composition alone gives every service as
    /// <c>Identity__TestSigningKey</c>: tests mint tokens with it, as the load generator does (the AppHost never sets it).
    /// </summary>
    public string SigningKey { get; }

    /// <summary>Tokens for any buyer or admin, signed with <see cref="SigningKey"/>.</summary>
    public TestTokens Tokens => field ??= new TestTokens(SigningKey);

    /// <summary>The resources this app started (the others of the composition are declared but not started).</summary>
    public IReadOnlyList<string> Started { get; }

    /// <summary>Every resource instance's latest state and its log lines since the app started.</summary>
    public ResourceStates States { get; }

    public ResourceNotificationService Notifications => App.ResourceNotifications;

    /// <summary>
    /// Builds the app, lets <paramref name="configure"/> change it (environment of a resource, say), starts it and
    /// waits until what it started is healthy (<see cref="StartupWait"/>).
    /// </summary>
    /// <param name="only">
    /// The resources the test uses (e.g. <c>catalog-api</c>): these and everything they wait for, transitively, are
    /// started; the rest is not (Aspire's explicit start). Null starts the whole composition.
    /// </param>
    /// <param name="dataFolder">A data folder of the caller's, kept after the app is disposed (to start a second app on it).</param>
    public static async Task<ShopApp> StartAsync(
        IEnumerable<string>? only = null,
        Action<IDistributedApplicationTestingBuilder>? configure = null,
        IDictionary<string, string?>? configuration = null,
        DirectoryInfo? dataFolder = null)
    {
        var isolation = dataFolder is null ? AppIsolation.Create() : AppIsolation.For(dataFolder);
        var signingKey = TestTokenIssuer.NewKey();
        string[] args = [.. isolation.Arguments, .. (configuration ?? new Dictionary<string, string?>()).Select(c => $"--{c.Key}={c.Value}")];
        ShopApp? shop = null;
        try
        {
            var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(args);
            // The AppHost's appsettings.json asks for Information; the servers' and services' own output (forwarded as
            // "AppHost.Resources.*") is kept in States, and only its warnings and errors reach the test log.
            builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning).AddFilter("AppHost.Resources", LogLevel.Warning));
            WithoutTelemetryExport(builder);
            TrustTestTokens(builder, signingKey);
            var started = only is null ? [.. builder.Resources.Where(Composition.IsStartable)] : Composition.StartOnly(builder, only);
            configure?.Invoke(builder);
            var app = await builder.BuildAsync();
            shop = new ShopApp(app, isolation, signingKey, [.. started.Select(r => r.Name)]);
            // The migrations resource runs to completion: the start waits for its exit code 0, not for its health.
            var completing = Composition.RunningToCompletion(builder.Resources, started);
            await StartupWait.StartAndWaitHealthyAsync(app, shop.States, [.. shop.Started.Where(n => !completing.Contains(n))], [.. completing]);
            await shop.WaitForEveryInstanceAsync(started.OfType<ProjectResource>().Select(p => p.Name).Where(n => !completing.Contains(n)));
            return shop;
        }
        catch
        {
            if (shop is not null)
            {
                await shop.DisposeAsync();
            }
            else
            {
                isolation.Dispose();
            }
            throw;
        }
    }

    /// <summary>
    /// Aspire checks a replicated project's health through DCP's proxy in front of its replicas, so both ordering-api
    /// instances can be reported healthy while one of them does not listen yet (seen in CI: a connection refused on a
    /// replica's own port right after the start). Waits until every instance answers <c>/health</c> on its own address.
    /// </summary>
    private async Task WaitForEveryInstanceAsync(IEnumerable<string> projects)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        foreach (var instance in projects.SelectMany(States.Running).Where(i => i.Environment.ContainsKey("ASPNETCORE_URLS")))
        {
            await Eventually.TrueAsync(async () =>
            {
                try
                {
                    using var answer = await http.GetAsync(new Uri(instance.ManagementAddress, "/health"));
                    return answer.IsSuccessStatusCode;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    return false;
                }
            }, $"{instance.Name} answers /health at {instance.ManagementAddress}", TimeSpan.FromMinutes(2));
        }
    }

    /// <summary>The services of this composition (and no deployment) accept tokens signed with the test key (HMAC, or RSA's private PEM).</summary>
    public static void TrustTestTokens(IDistributedApplicationTestingBuilder builder, string signingKey)
    {
        var setting = TestTokenIssuer.ServiceSetting(signingKey);
        foreach (var project in builder.Resources.OfType<ProjectResource>())
        {
            builder.CreateResourceBuilder(project).WithEnvironment("Identity__TestSigningKey", setting);
        }
    }

    /// <summary>
    /// The testing builder runs no dashboard, yet Aspire still points every service's OTLP exporter at
    /// localhost:4317, where nothing listens: each service retried its exports there every second, and waited for
    /// them when asked to stop (about 8 s per app). Without the endpoint ServiceDefaults adds no exporter; the
    /// services still make their spans and metrics (/metrics, the outbox's trace parent). The tests of traces run
    /// the AppHost with its dashboard (AppHost.Tests/DashboardTests).
    /// </summary>
    private static void WithoutTelemetryExport(IDistributedApplicationTestingBuilder builder)
    {
        foreach (var project in builder.Resources.OfType<ProjectResource>())
        {
            builder.CreateResourceBuilder(project).WithEnvironment(context =>
            {
                context.EnvironmentVariables.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
                context.EnvironmentVariables.Remove("OTEL_EXPORTER_OTLP_HEADERS");
            });
        }
    }

    /// <summary>Waits until the resources are healthy; fails at once, naming it, if one of them fails or exits.</summary>
    public Task WaitForHealthyAsync(IEnumerable<string> resourceNames, CancellationToken cancellationToken)
    {
        var names = resourceNames.ToList();
        if (names.FirstOrDefault(name => !Started.Contains(name)) is { } notStarted)
        {
            throw new ArgumentException($"{notStarted} is not started by this app (only {string.Join(", ", Started)}): ask for it when starting the app", nameof(resourceNames));
        }
        return StartupWait.WaitHealthyAsync(States, names, cancellationToken);
    }

    /// <inheritdoc cref="WaitForHealthyAsync(IEnumerable{string}, CancellationToken)"/>
    public Task WaitForHealthyAsync(string resourceName, CancellationToken cancellationToken = default) =>
        WaitForHealthyAsync([resourceName], cancellationToken);

    /// <summary>The running instances of a resource (one per replica), with their pids and HTTP ports.</summary>
    public IReadOnlyList<ResourceInstance> Instances(string resourceName) =>
        States.Running(resourceName) is { Count: > 0 } running ? running : throw new InvalidOperationException($"{resourceName} has no running instance");

    /// <summary>
    /// Kills every instance of a resource (or one replica) with SIGKILL, as a crash would, and waits until Aspire
    /// has seen it exit. Aspire does not start it again: see <see cref="ShopAppFaults.StartAgainAsync"/>.
    /// </summary>
    public async Task KillAsync(string resourceName, int? replica = null)
    {
        var instances = Instances(resourceName);
        foreach (var instance in replica is int index ? [instances[index]] : instances)
        {
            await this.KillAndWaitExitedAsync(instance, TimeSpan.FromMinutes(1));
        }
    }

    /// <summary>
    /// Runs one of Aspire's resource commands ("start", "stop", "restart") on every instance of a resource (by its
    /// name) or on one instance (by its <see cref="ResourceInstance.Name"/>), and checks that it worked. Aspire
    /// does not restart a process that died: a test that kills one starts it again with "start".
    /// </summary>
    public async Task RunCommandAsync(string resourceOrInstanceName, string command, CancellationToken cancellationToken = default)
    {
        var resource = App.Services.GetRequiredService<DistributedApplicationModel>().Resources.SingleOrDefault(r => r.Name == resourceOrInstanceName);
        var result = resource is not null
            ? await App.ResourceCommands.ExecuteCommandAsync(resource, command, cancellationToken)
            : await App.ResourceCommands.ExecuteCommandAsync(resourceOrInstanceName, command, cancellationToken);
        if (!result.Success)
        {
            throw new InvalidOperationException($"'{command}' of {resourceOrInstanceName} failed: {result.Message}");
        }
    }

    /// <summary>Restarts a resource and waits until it is healthy again (a server without a data volume comes back empty).</summary>
    public async Task RestartAsync(string resourceName, CancellationToken cancellationToken = default)
    {
        await RunCommandAsync(resourceName, "restart", cancellationToken);
        await WaitForHealthyAsync(resourceName, cancellationToken);
    }

    /// <summary>
    /// The folder a server of this app keeps its files in: a local server's working directory,
    /// <c>{LocalServers:DataPath}/{resource}</c> (AppHost/LocalServers' data folder).
    /// </summary>
    public DirectoryInfo DataFolderOf(string resourceName) =>
        App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<ExecutableResource>().SingleOrDefault(r => r.Name == resourceName) is { } server
            ? new DirectoryInfo(server.WorkingDirectory)
            : throw new InvalidOperationException($"{resourceName} is not a local server of this app");

    public string Describe(IEnumerable<string> resourceNames) => States.Describe(resourceNames);

    public async ValueTask DisposeAsync()
    {
        try
        {
            // Stopped first, as the AppHost is on Ctrl+C: its hosted services stop the Shop services while their servers
            // are still up (AppHost/ServicesStopFirst.cs). Disposing alone would skip them.
            using var stopping = new CancellationTokenSource(StopTimeout);
            await App.StopAsync(stopping.Token);
        }
        catch (OperationCanceledException)
        {
            // Disposing ends what is left.
        }
        finally
        {
            await App.DisposeAsync();
            States.Dispose();
            _isolation.Dispose();
        }
    }
}
