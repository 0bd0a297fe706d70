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
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _lines = new();
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

    /// <summary>Each instance's state, health and failing checks, and the last lines it logged: for failure messages.</summary>
    public string Describe(IEnumerable<string> resourceNames) =>
        string.Join("\n", resourceNames.SelectMany(InstancesOf).Select(state =>
            $"{state.ResourceId}: {state.Snapshot.State?.Text} {state.Snapshot.HealthStatus} " +
            string.Join(" | ", LogOf(state.Resource.Name).TakeLast(5)) + " " +
            string.Join(",", state.Snapshot.HealthReports.Where(r => r.Status is not HealthStatus.Healthy).Select(r => $"{r.Name}={r.Description ?? r.ExceptionText?.Split('\n')[0]}"))));

    /// <summary>Every line the instances of <paramref name="resourceName"/> logged so far (restarts included).</summary>
    public IReadOnlyList<string> LogOf(string resourceName) =>
        _lines.TryGetValue(resourceName, out var lines) ? [.. lines] : [];

    private async Task WatchAsync(ResourceNotificationService notifications)
    {
        try
        {
            await foreach (var update in notifications.WatchAsync(_stop.Token))
            {
                if (_latest.TryAdd(update.ResourceId, update))
                {
                    _ = FollowLogAsync(update.Resource.Name, update.ResourceId);
                }
                else
                {
                    _latest[update.ResourceId] = update;
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // The app is being disposed.
        }
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
