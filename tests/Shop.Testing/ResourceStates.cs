using System.Collections.Concurrent;
using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Shop.Testing;

/// <summary>
/// The latest snapshot of every resource instance (each replica is one), kept from Aspire's notifications, and
/// every instance's log lines from its start: what a test (or the bench) reads of a running app.
/// </summary>
public sealed class ResourceStates : IDisposable
{
    private readonly ConcurrentDictionary<string, ResourceEvent> _latest = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _lines = new();
    private readonly ConcurrentDictionary<(string Resource, string State), long> _firstSeen = new();
    private long _notifications;
    private readonly CancellationTokenSource _stop = new();
    private readonly ResourceLoggerService _loggers;

    private ResourceStates(ResourceLoggerService loggers) => _loggers = loggers;

    /// <summary>Starts following the app's resources; call before the app starts so nothing is missed.</summary>
    public static ResourceStates Follow(DistributedApplication app)
    {
        var states = new ResourceStates(app.Services.GetRequiredService<ResourceLoggerService>());
        _ = states.WatchAsync(app.ResourceNotifications);
        return states;
    }

    /// <summary>When an instance's state, health or health reports last changed (UTC): a start that makes no progress is stuck.</summary>
    public DateTime LastChange { get; private set; } = DateTime.UtcNow;

    /// <summary>Completes at the next change of any instance, or after <paramref name="atMost"/>.</summary>
    public async Task WaitForChangeAsync(TimeSpan atMost, CancellationToken cancellationToken)
    {
        try
        {
            await Volatile.Read(ref _changed).Task.WaitAsync(atMost, cancellationToken);
        }
        catch (TimeoutException)
        {
            // Time to look again anyway.
        }
    }

    /// <summary>At least <paramref name="instances"/> instances of the resource are seen, and every one runs and is healthy.</summary>
    public bool IsHealthy(string resourceName, int instances = 1) =>
        InstancesOf(resourceName) is { } seen && seen.Count >= instances
        && seen.All(s => s.Snapshot.State?.Text == KnownResourceStates.Running && s.Snapshot.HealthStatus == HealthStatus.Healthy);

    /// <summary>The resource ran to its end and exited with code 0 (the <c>migrations</c> resource, which services wait to complete).</summary>
    public bool HasCompleted(string resourceName) =>
        InstancesOf(resourceName) is { Count: > 0 } seen
        && seen.All(s => s.Snapshot.State?.Text is { } state && KnownResourceStates.TerminalStates.Contains(state) && s.Snapshot.ExitCode == 0);

    /// <summary>
    /// An instance of a run-to-completion resource that ended without success: failed to start, or exited with a code
    /// other than 0. An ended instance whose exit code is not known yet is not counted (the next snapshot has it).
    /// </summary>
    public ResourceEvent? Failed(string resourceName) =>
        InstancesOf(resourceName).FirstOrDefault(s => s.Snapshot.State?.Text is { } state
            && (state == KnownResourceStates.FailedToStart || (KnownResourceStates.TerminalStates.Contains(state) && s.Snapshot.ExitCode is { } code && code != 0)));

    /// <summary>An instance of the resource that has ended (failed to start, exited), if any.</summary>
    public ResourceEvent? Ended(string resourceName) =>
        InstancesOf(resourceName).FirstOrDefault(s => s.Snapshot.State?.Text is { } state && KnownResourceStates.TerminalStates.Contains(state));

    /// <summary>The latest snapshot of each instance of <paramref name="resourceName"/>.</summary>
    public IReadOnlyList<ResourceEvent> InstancesOf(string resourceName) =>
        [.. _latest.Values.Where(e => e.Resource.Name == resourceName).OrderBy(e => e.ResourceId, StringComparer.Ordinal)];

    /// <summary>The running instances of a resource (none if no process of it runs), with their pids and environment.</summary>
    public IReadOnlyList<ResourceInstance> Running(string resourceName)
    {
        var instances = new List<ResourceInstance>();
        foreach (var state in InstancesOf(resourceName).Where(s => s.Snapshot.State?.Text == KnownResourceStates.Running))
        {
            if (state.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value is not { } pid)
            {
                continue;
            }
            var environment = state.Snapshot.EnvironmentVariables.Where(e => e.IsFromSpec && e.Value is not null)
                .GroupBy(e => e.Name).ToDictionary(g => g.Key, g => g.Last().Value!);
            instances.Add(new ResourceInstance(resourceName, state.ResourceId, Convert.ToInt32(pid, CultureInfo.InvariantCulture), environment));
        }
        return instances;
    }

    /// <summary>
    /// Each instance's state and health, its failing checks with their reasons, and the last lines it logged: what a
    /// failure message needs to say which resource did not come up and why. A resource with no instance yet says so.
    /// </summary>
    public string Describe(IEnumerable<string> resourceNames) =>
        string.Join("\n", resourceNames.SelectMany(name => InstancesOf(name) is { Count: > 0 } instances
            ? instances.Select(Describe)
            : [$"{name}: no instance yet"]));

    private string Describe(ResourceEvent state)
    {
        var failing = state.Snapshot.HealthReports.Where(r => r.Status is not HealthStatus.Healthy)
            .Select(r => $"{r.Name}: {r.Description ?? r.ExceptionText?.Split('\n')[0] ?? "no answer yet"}");
        return $"{state.ResourceId}: {state.Snapshot.State?.Text ?? "(no state)"}, {state.Snapshot.HealthStatus?.ToString() ?? "no health yet"}"
            + $"; failing checks: [{string.Join("; ", failing)}]; last output: [{string.Join(" | ", LogOf(state.Resource.Name).TakeLast(5))}]";
    }

    /// <summary>
    /// The position, in the order the app host published its notifications, at which an instance of
    /// <paramref name="resourceName"/> was first seen in one of <paramref name="states"/>; null if never. The app host
    /// starts a resource that waits for another only after publishing the state that ends the wait, so these positions
    /// order the two causally, where the processes' own timestamps (taken by different parties) need not.
    /// </summary>
    public long? FirstSeen(string resourceName, params string[] states) =>
        states.Select(state => _firstSeen.TryGetValue((resourceName, state), out var seen) ? seen : (long?)null).Min();

    /// <summary>Every line the instances of <paramref name="resourceName"/> logged so far (restarts included).</summary>
    public IReadOnlyList<string> LogOf(string resourceName) =>
        _lines.TryGetValue(resourceName, out var lines) ? [.. lines] : [];

    private async Task WatchAsync(ResourceNotificationService notifications)
    {
        try
        {
            await foreach (var update in notifications.WatchAsync(_stop.Token))
            {
                if (update.Snapshot.State?.Text is { } state)
                {
                    _firstSeen.TryAdd((update.Resource.Name, state), ++_notifications);
                }
                if (_latest.TryAdd(update.ResourceId, update))
                {
                    _ = FollowLogAsync(update.Resource.Name, update.ResourceId);
                    Changed();
                }
                else
                {
                    var previous = _latest[update.ResourceId].Snapshot;
                    _latest[update.ResourceId] = update;
                    if (previous.State?.Text != update.Snapshot.State?.Text || previous.HealthStatus != update.Snapshot.HealthStatus
                        || !previous.HealthReports.Select(Outcome).SequenceEqual(update.Snapshot.HealthReports.Select(Outcome)))
                    {
                        Changed();
                    }
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // The app is being disposed.
        }
    }

    // A check's outcome, not when it ran: a health check that keeps failing the same way is no progress.
    private static (string, HealthStatus?, string?) Outcome(HealthReportSnapshot report) => (report.Name, report.Status, report.Description);

    private void Changed()
    {
        LastChange = DateTime.UtcNow;
        Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    private async Task FollowLogAsync(string resourceName, string resourceId)
    {
        var lines = _lines.GetOrAdd(resourceName, _ => new ConcurrentQueue<string>());
        try
        {
            await foreach (var batch in _loggers.WatchAsync(resourceId).WithCancellation(_stop.Token))
            {
                foreach (var line in batch)
                {
                    lines.Enqueue(line.Content);
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // The app is being disposed.
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }
}
