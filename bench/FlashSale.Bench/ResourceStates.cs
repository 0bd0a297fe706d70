using System.Collections.Concurrent;
using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace Shop.Bench;

/// <summary>One running instance of a resource (a replica of a project, or a server process), as DCP reports it.</summary>
public sealed record ResourceInstance(string Name, int Pid, Uri? HttpAddress)
{
    /// <summary>The instance's own address (behind DCP's proxy), from its ASPNETCORE_URLS.</summary>
    public Uri RequiredHttpAddress => HttpAddress ?? throw new InvalidOperationException($"{Name} has no ASPNETCORE_URLS.");
}

/// <summary>The latest snapshot of every resource instance (each replica is one), kept from Aspire's notifications.</summary>
public sealed class ResourceStates : IDisposable
{
    private readonly ConcurrentDictionary<string, ResourceEvent> _latest = new();
    private readonly CancellationTokenSource _stop = new();

    private ResourceStates()
    {
    }

    /// <summary>Starts following the app's resources; call before the app starts so nothing is missed.</summary>
    public static ResourceStates Follow(DistributedApplication app)
    {
        var states = new ResourceStates();
        _ = states.WatchAsync(app.ResourceNotifications);
        return states;
    }

    /// <summary>The running instances of a resource (none, if it has no running process), with their pids (Aspire's "executable.pid") and own HTTP addresses.</summary>
    public IReadOnlyList<ResourceInstance> Running(string resourceName)
    {
        var instances = new List<ResourceInstance>();
        foreach (var state in _latest.Values.Where(e => e.Resource.Name == resourceName && e.Snapshot.State?.Text == KnownResourceStates.Running)
                     .OrderBy(e => e.ResourceId, StringComparer.Ordinal))
        {
            if (state.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value is not { } pid)
            {
                continue;
            }
            var urls = state.Snapshot.EnvironmentVariables.LastOrDefault(e => e.IsFromSpec && e.Name == "ASPNETCORE_URLS")?.Value;
            var address = urls is null ? null : new Uri(urls.Split(';')[0].Replace("*", "127.0.0.1", StringComparison.Ordinal)
                .Replace("+", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal));
            instances.Add(new ResourceInstance(state.ResourceId, Convert.ToInt32(pid, CultureInfo.InvariantCulture),
                address is null ? null : new Uri($"http://127.0.0.1:{address.Port}")));
        }
        return instances;
    }

    /// <summary>Each named resource's instances that are not healthy: state, health and failing checks (for failure messages).</summary>
    public string DescribeUnhealthy(IEnumerable<string> resourceNames) =>
        string.Join("; ", resourceNames.SelectMany(name => _latest.Values.Where(e => e.Resource.Name == name))
            .Where(e => e.Snapshot.HealthStatus is not Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy)
            .OrderBy(e => e.ResourceId, StringComparer.Ordinal)
            .Select(e => $"{e.ResourceId} ({e.Snapshot.State?.Text ?? "not started"}, {e.Snapshot.HealthStatus?.ToString() ?? "no health yet"}"
                + string.Concat(e.Snapshot.HealthReports.Where(r => r.Status is not Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy)
                    .Select(r => $", {r.Name}: {r.Description ?? r.ExceptionText?.Split('\n')[0]}")) + ")"));

    private async Task WatchAsync(ResourceNotificationService notifications)
    {
        try
        {
            await foreach (var update in notifications.WatchAsync(_stop.Token).ConfigureAwait(false))
            {
                _latest[update.ResourceId] = update;
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
