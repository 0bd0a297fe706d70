using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Shop.Hosting.ApplicationModel;

namespace Shop.Hosting.Orchestration;

/// <summary>
/// Runs the app model on this machine: allocates ports, starts each resource once what it waits for is
/// healthy, watches health, and stops everything in order (projects, then databases, then servers).
/// </summary>
internal sealed partial class Orchestrator(
    DistributedApplicationModel model,
    ResourceStore store,
    IOptions<HostingOptions> options,
    IHttpClientFactory httpClientFactory,
    Dashboard.DashboardEndpoint dashboard,
    ILogger<Orchestrator> logger) : IHostedService
{
    private static readonly TimeSpan HealthTimeout = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _resourceTasks = [];
    private RunContext? _context;
    private Watchdog? _watchdog;
    private FileStream? _lock;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(model.AppDataPath);
        _lock = AcquireDataFolderLock();
        _context = new RunContext(options.Value, model, logger);
        var leftovers = await _context.Pids.KillLeftoversAsync(options.Value.StopTimeout).ConfigureAwait(false);
        if (leftovers > 0)
        {
            LogLeftovers(leftovers);
        }
        _watchdog = Watchdog.Start(model.AppDataPath, _context.Pids.Path);
        AllocatePorts();

        foreach (var resource in model.Resources)
        {
            store.Add(CreateRunner(resource, _context));
        }
        store.MarkStarted();
        foreach (var runner in store.Runners.ToList())
        {
            _resourceTasks.Add(Task.Run(() => RunResourceAsync(runner, _stopping.Token), CancellationToken.None));
        }
        _ = ReportWhenAllHealthyAsync(_stopping.Token);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_resourceTasks).ConfigureAwait(false);
        foreach (var group in store.Runners.GroupBy(r => r.StopOrder).OrderBy(g => g.Key))
        {
            await Task.WhenAll(group.Select(StopRunnerAsync)).ConfigureAwait(false);
        }
        _watchdog?.Dispose();
        foreach (var state in store.All)
        {
            state.Log.Close();
        }
        _lock?.Dispose();
        LogStopped();
    }

    private async Task StopRunnerAsync(ResourceRunner runner)
    {
        await runner.Lifecycle.WaitAsync().ConfigureAwait(false);
        try
        {
            if (runner.State.State is ResourceStateKind.NotStarted or ResourceStateKind.Waiting)
            {
                return;
            }
            runner.State.SetState(ResourceStateKind.Stopping);
            await runner.StopAsync().ConfigureAwait(false);
            runner.State.SetState(ResourceStateKind.Finished);
        }
        finally
        {
            runner.Lifecycle.Release();
        }
    }

    private async Task RunResourceAsync(ResourceRunner runner, CancellationToken stopping)
    {
        var state = runner.State;
        state.Log.AttachFile(Path.Combine(model.AppDataPath, "logs", $"{state.Resource.Name}.log"));
        try
        {
            var dependencies = Dependencies(state.Resource).ToList();
            if (dependencies.Count > 0)
            {
                state.SetState(ResourceStateKind.Waiting);
                await Task.WhenAll(dependencies.Select(d => store.Get(d.Name).WaitForAsync(s => s.IsHealthy, stopping))).ConfigureAwait(false);
            }
            await runner.Lifecycle.WaitAsync(stopping).ConfigureAwait(false);
            try
            {
                state.SetState(ResourceStateKind.Starting);
                await runner.StartAsync(stopping).ConfigureAwait(false);
            }
            finally
            {
                runner.Lifecycle.Release();
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e) when (e is DistributedApplicationException or IOException or UnauthorizedAccessException
                                      or System.ComponentModel.Win32Exception or Npgsql.NpgsqlException or InvalidOperationException)
        {
            state.Log.Append(0, true, $"[shop] failed to start: {e.Message}");
            state.SetState(ResourceStateKind.FailedToStart, e.Message);
            LogFailedToStart(state.Resource.Name, e.Message);
        }
        // Also after a failed start: a restart from the dashboard may bring the resource up later.
        await WatchHealthAsync(runner, stopping).ConfigureAwait(false);
    }

    /// <summary>Probes health twice a second until healthy, then every two seconds.</summary>
    private async Task WatchHealthAsync(ResourceRunner runner, CancellationToken stopping)
    {
        var state = runner.State;
        var wasHealthy = false;
        while (!stopping.IsCancellationRequested)
        {
            if (state.State is ResourceStateKind.Running)
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                timeout.CancelAfter(HealthTimeout);
                HealthResult result;
                try
                {
                    result = await runner.CheckHealthAsync(timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
                {
                    result = HealthResult.Unhealthy($"no answer within {HealthTimeout.TotalSeconds} s");
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException or Npgsql.NpgsqlException
                                              or RabbitMQ.Client.Exceptions.BrokerUnreachableException or InvalidOperationException)
                {
                    // A probe that fails in a way its runner did not anticipate still means "not healthy", and the
                    // watch must go on: a dead health loop would leave the resource's last verdict standing forever.
                    result = HealthResult.Unhealthy(e.Message);
                }
                state.SetHealth(result.Health, result.Description);
                var healthy = result.Health is ResourceHealth.Healthy;
                if (healthy != wasHealthy)
                {
                    if (healthy)
                    {
                        LogHealthy(state.Resource.Name);
                    }
                    else
                    {
                        LogUnhealthy(state.Resource.Name, result.Description);
                    }
                }
                wasHealthy = healthy;
            }
            try
            {
                // The probe interval; not a wait for anything in particular.
                await Task.Delay(wasHealthy ? TimeSpan.FromSeconds(2) : TimeSpan.FromMilliseconds(500), stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task ReportWhenAllHealthyAsync(CancellationToken stopping)
    {
        try
        {
            await store.WaitForAllHealthyAsync(stopping).ConfigureAwait(false);
            var external = model.Resources.OfType<IResourceWithEndpoints>()
                .SelectMany(r => r.Annotations.OfType<EndpointAnnotation>().Where(e => e.IsExternal && e.Allocated is not null)
                    .Select(e => $"{r.Name}: {e.Allocated!.Url}"));
            LogAllHealthy(store.All.Count, string.Join(", ", external), dashboard.Url ?? "off");
        }
        catch (Exception e) when (e is OperationCanceledException or DistributedApplicationException)
        {
            // Stopping, or a resource failed to start: that was already logged where it happened.
        }
    }

    private static IEnumerable<IResource> Dependencies(IResource resource)
    {
        if (resource is IResourceWithParent child)
        {
            yield return child.Parent;
        }
        foreach (var wait in resource.Annotations.OfType<WaitAnnotation>())
        {
            yield return wait.Resource;
        }
    }

    private void AllocatePorts()
    {
        foreach (var resource in model.Resources)
        {
            var replicas = resource is ProjectResource project ? project.Replicas : 1;
            foreach (var endpoint in resource.Annotations.OfType<EndpointAnnotation>())
            {
                int stable;
                if (endpoint.Port is int fixedPort && !options.Value.RandomizePorts)
                {
                    if (!PortAllocator.IsFree(fixedPort))
                    {
                        throw new DistributedApplicationException($"Port {fixedPort} of '{resource.Name}/{endpoint.Name}' is already in use on 127.0.0.1.");
                    }
                    stable = fixedPort;
                }
                else
                {
                    stable = PortAllocator.GetFreePort();
                }
                endpoint.Allocated = new AllocatedEndpoint("127.0.0.1", stable, endpoint.UriScheme);
                endpoint.ReplicaPorts = replicas == 1 ? [stable] : [.. Enumerable.Range(0, replicas).Select(_ => PortAllocator.GetFreePort())];
            }
        }
    }

    private ResourceRunner CreateRunner(IResource resource, RunContext context)
    {
        var state = new ResourceState(resource, ResourceTypes.Of(resource));
        return resource switch
        {
            RedisResource redis => new RedisRunner(state, context, redis),
            PostgresServerResource postgres => new PostgresRunner(state, context, postgres),
            PostgresDatabaseResource database => new PostgresDatabaseRunner(state, context, database),
            RabbitMQServerResource rabbit => new RabbitMQRunner(state, context, rabbit),
            ProjectResource or ExecutableResource => new ProjectRunner(state, context, (IResourceWithEnvironment)resource, httpClientFactory.CreateClient(nameof(Orchestrator))),
            ParameterResource parameter => new ValueRunner(state, context, parameter.GetValueAsync),
            ConnectionStringResource connection => new ValueRunner(state, context, connection.ConnectionStringExpression.GetValueAsync),
            _ => throw new DistributedApplicationException($"Resource '{resource.Name}' of type {resource.GetType().Name} cannot run locally."),
        };
    }

    private FileStream AcquireDataFolderLock()
    {
        var path = Path.Combine(model.AppDataPath, "apphost.lock");
        try
        {
            // FileShare.None takes an advisory lock on Linux: a second AppHost on the same folder is refused.
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            throw new DistributedApplicationException(
                $"Another AppHost is running with the data folder '{model.AppDataPath}'. Stop it, or give this one its own folder with --Hosting:DataPath=<folder>.");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Resource} is healthy")]
    private partial void LogHealthy(string resource);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Resource} is unhealthy: {Reason}")]
    private partial void LogUnhealthy(string resource, string? reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Resource} failed to start: {Reason}")]
    private partial void LogFailedToStart(string resource, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "All {Count} resources are healthy. Open {External} (dashboard: {Dashboard})")]
    private partial void LogAllHealthy(int count, string external, string dashboard);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stopped {Count} processes left behind by an earlier AppHost that was killed")]
    private partial void LogLeftovers(int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Every resource is stopped")]
    private partial void LogStopped();
}
