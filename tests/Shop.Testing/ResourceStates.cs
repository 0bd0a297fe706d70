using System.Collections.Concurrent;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace Shop.Testing;

/// <summary>
/// The latest snapshot of every resource instance (each replica is one), kept from Aspire's notifications, and
/// every instance's log lines from its start: what a test reads of a running app.
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
