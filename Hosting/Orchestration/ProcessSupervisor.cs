namespace Shop.Hosting.Orchestration;

/// <summary>
/// Keeps one process slot (a server, or one replica of a project) running: starts it, notices when it exits,
/// and, for projects, restarts it with exponential back-off. A process that ran for a while before crashing
/// starts again from the shortest delay.
/// </summary>
internal sealed class ProcessSupervisor(
    string pidName,
    int replicaIndex,
    int? port,
    Func<CancellationToken, Task<ProcessSpec>> createSpec,
    ResourceLog log,
    RunContext context,
    bool restartOnCrash,
    Action onChanged)
{
    private static readonly TimeSpan FirstRestartDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan StableRunTime = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private CancellationTokenSource _stopping = new();
    private ManagedProcess? _process;
    private int _restarts;
    private int? _lastExitCode;
    private ResourceStateKind _state = ResourceStateKind.NotStarted;
    private TimeSpan _nextDelay = FirstRestartDelay;

    public ReplicaState Snapshot
    {
        get
        {
            lock (_gate)
            {
                return new ReplicaState(replicaIndex, _process is { HasExited: false } p ? p.Pid : null, port, _state, _restarts, _lastExitCode);
            }
        }
    }

    public int? Port => port;

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Starts the process; throws when it cannot be started at all (a missing binary, a bad spec).</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_stopping.IsCancellationRequested)
            {
                _stopping = new CancellationTokenSource();
            }
        }
        var spec = await createSpec(cancellationToken).ConfigureAwait(false);
        var process = ManagedProcess.Start(spec, context.Pids, pidName, (line, isError) => log.Append(replicaIndex, isError, line));
        var startedAt = DateTime.UtcNow;
        SetProcess(process, ResourceStateKind.Running);
        _ = MonitorAsync(process, startedAt);
    }

    public async Task StopAsync()
    {
        ManagedProcess? process;
        lock (_gate)
        {
            _stopping.Cancel();
            process = _process;
            _state = ResourceStateKind.Stopping;
        }
        onChanged();
        if (process is not null)
        {
            await process.StopAsync(context.Options.StopTimeout).ConfigureAwait(false);
        }
        SetProcess(process, ResourceStateKind.Finished);
    }

    /// <summary>SIGKILL, as a crash would; a project is then restarted by <see cref="MonitorAsync"/>.</summary>
    public Task KillAsync() => _process?.KillAsync() ?? Task.CompletedTask;

    private async Task MonitorAsync(ManagedProcess process, DateTime startedAt)
    {
        var exitCode = await process.Exited.ConfigureAwait(false);
        CancellationToken stopping;
        lock (_gate)
        {
            stopping = _stopping.Token;
            if (stopping.IsCancellationRequested || !ReferenceEquals(process, _process))
            {
                return;
            }
            _lastExitCode = exitCode;
            _state = restartOnCrash ? ResourceStateKind.Restarting : ResourceStateKind.Exited;
            if (DateTime.UtcNow - startedAt > StableRunTime)
            {
                _nextDelay = FirstRestartDelay;
            }
        }
        log.Append(replicaIndex, true, $"[shop] process {process.Pid} exited with code {exitCode}");
        onChanged();
        if (!restartOnCrash)
        {
            return;
        }
        var delay = _nextDelay;
        _nextDelay = TimeSpan.FromTicks(Math.Min(_nextDelay.Ticks * 2, context.Options.MaxRestartDelay.Ticks));
        log.Append(replicaIndex, false, $"[shop] restarting in {delay.TotalSeconds:0.#} s");
        try
        {
            // Back-off between restarts, cancelled at once when the application stops.
            await Task.Delay(delay, stopping).ConfigureAwait(false);
            lock (_gate)
            {
                _restarts++;
            }
            await StartAsync(stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is DistributedApplicationException or IOException or System.ComponentModel.Win32Exception)
        {
            log.Append(replicaIndex, true, $"[shop] restart failed: {e.Message}");
            lock (_gate)
            {
                _state = ResourceStateKind.FailedToStart;
            }
            onChanged();
        }
    }

    private void SetProcess(ManagedProcess? process, ResourceStateKind state)
    {
        lock (_gate)
        {
            _process = process;
            _state = state;
        }
        onChanged();
    }
}
