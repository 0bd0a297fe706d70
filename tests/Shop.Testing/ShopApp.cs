using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Shop.Testing;

/// <summary>
/// The real Shop composition (<c>AppHost/Program.cs</c>) started through Aspire.Hosting.Testing, with a data
/// folder of its own (so parallel apps never share a server's files) that is deleted when the app is disposed.
/// A whole-app start costs 15–30 s here: share one per test collection.
/// </summary>
public sealed class ShopApp : IAsyncDisposable
{
    private static readonly TimeSpan HealthyTimeout = TimeSpan.FromMinutes(3);

    private readonly DirectoryInfo _dataFolder;
    private readonly bool _ownsDataFolder;

    private ShopApp(DistributedApplication app, DirectoryInfo dataFolder, bool ownsDataFolder, string signingKey)
    {
        App = app;
        SigningKey = signingKey;
        _dataFolder = dataFolder;
        _ownsDataFolder = ownsDataFolder;
        States = ResourceStates.Follow(app);
    }

    public DistributedApplication App { get; }

    /// <summary>The AppHost secret <c>jwt-signing-key</c> of this app: tests mint tokens with it, as the load generator does.</summary>
    public string SigningKey { get; }

    /// <summary>Every resource instance's latest state and its log lines since the app started.</summary>
    public ResourceStates States { get; }

    public ResourceNotificationService Notifications => App.ResourceNotifications;

    /// <summary>
    /// Builds the app, lets <paramref name="configure"/> change it (environment of a resource, say), starts it
    /// and waits until every resource is healthy (or only <paramref name="waitFor"/>, when given). With a
    /// <paramref name="dataFolder"/> of the caller's, the servers' data stays there after the app is disposed.
    /// </summary>
    public static async Task<ShopApp> StartAsync(
        Action<IDistributedApplicationTestingBuilder>? configure = null,
        IEnumerable<string>? waitFor = null,
        IDictionary<string, string?>? configuration = null,
        DirectoryInfo? dataFolder = null)
    {
        var ownsDataFolder = dataFolder is null;
        dataFolder ??= AppDataFolder.Create("shop-test-");
        var signingKey = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        string[] args = [$"--LocalServers:DataPath={dataFolder.FullName}", $"--Parameters:jwt-signing-key={signingKey}", .. (configuration ?? new Dictionary<string, string?>()).Select(c => $"--{c.Key}={c.Value}")];
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(args);
        // The AppHost's appsettings.json asks for Information; the servers' and services' own output (forwarded as
        // "AppHost.Resources.*") is kept in States, and only its warnings and errors reach the test log.
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning).AddFilter("AppHost.Resources", LogLevel.Warning));
        configure?.Invoke(builder);
        var app = await builder.BuildAsync();
        var shop = new ShopApp(app, dataFolder, ownsDataFolder, signingKey);
        try
        {
            var names = (waitFor ?? builder.Resources.Where(IsWaitable).Select(r => r.Name)).ToList();
            using var timeout = new CancellationTokenSource(HealthyTimeout);
            try
            {
                // StartAsync returns once every resource has been started, which waits for what each waits for.
                await app.StartAsync(timeout.Token);
            }
            catch (OperationCanceledException e)
            {
                throw new TimeoutException($"The app did not start in time: {shop.Describe(builder.Resources.Where(IsWaitable).Select(r => r.Name))}", e);
            }
            await shop.WaitForHealthyAsync(names, timeout.Token);
            return shop;
        }
        catch
        {
            await shop.DisposeAsync();
            throw;
        }
    }

    public async Task WaitForHealthyAsync(IEnumerable<string> resourceNames, CancellationToken cancellationToken)
    {
        var names = resourceNames.ToList();
        try
        {
            await Task.WhenAll(names.Select(name => Notifications.WaitForResourceHealthyAsync(name, cancellationToken)));
        }
        catch (OperationCanceledException e)
        {
            throw new TimeoutException($"Not healthy in time: {Describe(names)}", e);
        }
    }

    public async Task WaitForHealthyAsync(string resourceName, TimeSpan? timeout = null)
    {
        using var cancellation = new CancellationTokenSource(timeout ?? HealthyTimeout);
        await WaitForHealthyAsync([resourceName], cancellation.Token);
    }

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
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(HealthyTimeout);
        await WaitForHealthyAsync([resourceName], timeout.Token);
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
        await App.DisposeAsync();
        States.Dispose();
        if (!_ownsDataFolder)
        {
            return;
        }
        try
        {
            _dataFolder.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A server that was still writing as it died; the folder is under the temp folder and harmless.
        }
    }

    // Parameters have no health; a project's rebuilder (behind Aspire's "rebuild" command) runs only when asked.
    // (Aspire's ProjectRebuilderResource is internal: matched by name.)
    private static bool IsWaitable(IResource resource) =>
        resource is not ParameterResource && resource.GetType().Name != "ProjectRebuilderResource";
}
