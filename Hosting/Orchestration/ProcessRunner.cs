using Shop.Hosting.ApplicationModel;

namespace Shop.Hosting.Orchestration;

/// <summary>A resource made of supervised processes: one per replica, plus helpers a server may need.</summary>
internal abstract class ProcessRunner(ResourceState state, RunContext context) : ResourceRunner(state, context)
{
    private readonly List<ProcessSupervisor> _helpers = [];
    private readonly List<ProcessSupervisor> _replicas = [];

    protected IReadOnlyList<ProcessSupervisor> Replicas => _replicas;

    protected EndpointAnnotation? PrimaryEndpoint => State.Resource.Annotations.OfType<EndpointAnnotation>().FirstOrDefault();

    protected ProcessSupervisor AddReplica(int index, int? port, Func<CancellationToken, Task<ProcessSpec>> createSpec, bool restartOnCrash)
    {
        var name = _replicas.Count == 0 && index == 0 ? State.Resource.Name : $"{State.Resource.Name}-{index}";
        var supervisor = new ProcessSupervisor(name, index, port, createSpec, State.Log, Context, restartOnCrash, PublishReplicas);
        _replicas.Add(supervisor);
        return supervisor;
    }

    /// <summary>A process the server needs beside it (RabbitMQ's epmd); started first, stopped last.</summary>
    protected ProcessSupervisor AddHelper(string suffix, Func<CancellationToken, Task<ProcessSpec>> createSpec)
    {
        var supervisor = new ProcessSupervisor($"{State.Resource.Name}-{suffix}", -1, null, createSpec, State.Log, Context, restartOnCrash: false, () => { });
        _helpers.Add(supervisor);
        return supervisor;
    }

    /// <summary>Stops every process; a later <see cref="ResourceRunner.StartAsync"/> starts fresh ones.</summary>
    public override async Task StopAsync()
    {
        await Task.WhenAll(_replicas.Select(r => r.StopAsync())).ConfigureAwait(false);
        await Task.WhenAll(_helpers.Select(h => h.StopAsync())).ConfigureAwait(false);
        _replicas.Clear();
        _helpers.Clear();
    }

    public override Task KillAsync(int replica) =>
        replica >= 0 && replica < _replicas.Count
            ? _replicas[replica].KillAsync()
            : throw new DistributedApplicationException($"Resource '{State.Resource.Name}' has no replica {replica}.");

    /// <summary>Starts a server process (no restarts: a crashed server stays down and shows as Exited).</summary>
    protected async Task StartServerAsync(Func<CancellationToken, Task<ProcessSpec>> createSpec, CancellationToken cancellationToken)
    {
        var port = PrimaryEndpoint?.Allocated?.Port;
        var supervisor = _replicas.Count == 0 ? AddReplica(0, port, createSpec, restartOnCrash: false) : _replicas[0];
        await supervisor.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected void PublishReplicas()
    {
        var replicas = _replicas.Select(r => r.Snapshot).ToList();
        var changed = !replicas.Select(r => (r.Pid, r.State)).SequenceEqual(State.Replicas.Select(r => (r.Pid, r.State)));
        State.SetReplicas(replicas);
        if (changed)
        {
            // A replica came or went: the last health verdict no longer holds until the next probe.
            State.SetHealth(ResourceHealth.Unknown, "a replica changed; checking");
        }
        var states = replicas.Select(r => r.State).ToList();
        if (states.Count == 0 || State.State is ResourceStateKind.FailedToStart)
        {
            return;
        }
        var aggregate =
            states.Contains(ResourceStateKind.Running) ? ResourceStateKind.Running
            : states.Contains(ResourceStateKind.Stopping) ? ResourceStateKind.Stopping
            : states.Contains(ResourceStateKind.Restarting) ? ResourceStateKind.Restarting
            : states.Contains(ResourceStateKind.FailedToStart) ? ResourceStateKind.FailedToStart
            : states.Contains(ResourceStateKind.Exited) ? ResourceStateKind.Exited
            : states.All(s => s == ResourceStateKind.Finished) ? ResourceStateKind.Finished
            : State.State;
        if (aggregate != State.State)
        {
            State.SetState(aggregate);
        }
    }
}
