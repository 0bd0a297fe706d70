using Shop.Hosting.ApplicationModel;

namespace Shop.Hosting.Orchestration;

public enum ResourceStateKind
{
    NotStarted,
    Waiting,
    Starting,
    Running,
    Restarting,
    Stopping,
    Exited,
    FailedToStart,
    Finished,
}

public enum ResourceHealth
{
    Unknown,
    Healthy,
    Unhealthy,
}

/// <summary>The live state of one resource, written by its runner and read by the dashboard and tests.</summary>
public sealed class ResourceState(IResource resource, string type)
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _changed = NewSignal();

    public IResource Resource { get; } = resource;

    public string Type { get; } = type;

    public ResourceLog Log { get; } = new();

    public ResourceStateKind State { get; private set; } = ResourceStateKind.NotStarted;

    public ResourceHealth Health { get; private set; } = ResourceHealth.Unknown;

    public string? HealthDescription { get; private set; }

    /// <summary>Why the resource failed to start (e.g. a missing binary and the package to install).</summary>
    public string? Error { get; private set; }

    public DateTimeOffset? StartedAt { get; private set; }

    public IReadOnlyList<ReplicaState> Replicas { get; private set; } = [];

    /// <summary>The environment the process got, secrets masked; computed when it starts.</summary>
    public IReadOnlyList<EnvironmentEntry> Environment { get; private set; } = [];

    public int Restarts => Replicas.Sum(r => r.Restarts);

    public void SetState(ResourceStateKind state, string? error = null) => Update(() =>
    {
        State = state;
        if (state is ResourceStateKind.Running && StartedAt is null)
        {
            StartedAt = DateTimeOffset.UtcNow;
        }
        if (error is not null)
        {
            Error = error;
        }
        if (state is not ResourceStateKind.Running)
        {
            Health = state is ResourceStateKind.FailedToStart or ResourceStateKind.Exited ? ResourceHealth.Unhealthy : ResourceHealth.Unknown;
        }
    });

    public void SetHealth(ResourceHealth health, string? description) => Update(() =>
    {
        if (State is ResourceStateKind.Running)
        {
            Health = health;
            HealthDescription = description;
        }
    });

    public void SetReplicas(IReadOnlyList<ReplicaState> replicas) => Update(() => Replicas = replicas);

    public void SetEnvironment(IReadOnlyList<EnvironmentEntry> environment) => Update(() => Environment = environment);

    public bool IsHealthy => State is ResourceStateKind.Running && Health is ResourceHealth.Healthy;

    /// <summary>Completes when <paramref name="condition"/> holds; fails early when the resource cannot start.</summary>
    public async Task WaitForAsync(Func<ResourceState, bool> condition, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (condition(this))
                {
                    return;
                }
                if (State is ResourceStateKind.FailedToStart)
                {
                    throw new DistributedApplicationException($"Resource '{Resource.Name}' failed to start: {Error}");
                }
                changed = _changed.Task;
            }
            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private void Update(Action change)
    {
        TaskCompletionSource previous;
        lock (_gate)
        {
            change();
            previous = _changed;
            _changed = NewSignal();
        }
        previous.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

public sealed record ReplicaState(int Index, int? Pid, int? Port, ResourceStateKind State, int Restarts, int? ExitCode);

public sealed record EnvironmentEntry(string Name, string Value, bool IsSecret);
