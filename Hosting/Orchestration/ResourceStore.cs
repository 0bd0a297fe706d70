namespace Shop.Hosting.Orchestration;

/// <summary>
/// The live resources of a running application, for the dashboard, the test builder and scripts: their state,
/// and the commands a developer or a fault test may give (kill a replica, restart a resource).
/// </summary>
public sealed class ResourceStore
{
    private readonly Dictionary<string, ResourceRunner> _runners = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<ResourceState> _states = [];
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<ResourceState> All => _states;

    /// <summary>Completes once every resource has its state entry (right after the orchestrator starts).</summary>
    public Task Started => _started.Task;

    public ResourceState Get(string name) =>
        _runners.TryGetValue(name, out var runner)
            ? runner.State
            : throw new KeyNotFoundException($"There is no resource named '{name}'. Resources: {string.Join(", ", _runners.Keys)}.");

    public async Task WaitForHealthyAsync(string name, CancellationToken cancellationToken = default)
    {
        await Started.WaitAsync(cancellationToken).ConfigureAwait(false);
        await Get(name).WaitForAsync(s => s.IsHealthy, cancellationToken).ConfigureAwait(false);
    }

    public async Task WaitForAllHealthyAsync(CancellationToken cancellationToken = default)
    {
        await Started.WaitAsync(cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(_states.Select(s => s.WaitForAsync(x => x.IsHealthy, cancellationToken))).ConfigureAwait(false);
    }

    /// <summary>SIGKILL one replica (a project comes back by itself; a server stays down until restarted).</summary>
    public Task KillAsync(string name, int replica = 0) => Runner(name).KillAsync(replica);

    /// <summary>Stops a resource and starts it again on the same ports.</summary>
    public async Task RestartAsync(string name, CancellationToken cancellationToken = default)
    {
        var runner = Runner(name);
        await runner.Lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            runner.State.SetState(ResourceStateKind.Stopping);
            await runner.StopAsync().ConfigureAwait(false);
            runner.State.SetState(ResourceStateKind.Starting);
            await runner.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is DistributedApplicationException or IOException or System.ComponentModel.Win32Exception)
        {
            runner.State.SetState(ResourceStateKind.FailedToStart, e.Message);
            throw;
        }
        finally
        {
            runner.Lifecycle.Release();
        }
    }

    internal void Add(ResourceRunner runner)
    {
        _runners.Add(runner.State.Resource.Name, runner);
        _states.Add(runner.State);
    }

    internal void MarkStarted() => _started.TrySetResult();

    internal IEnumerable<ResourceRunner> Runners => _runners.Values;

    private ResourceRunner Runner(string name) =>
        _runners.TryGetValue(name, out var runner) ? runner : throw new KeyNotFoundException($"There is no resource named '{name}'.");
}
