using System.Collections.Concurrent;
using System.ComponentModel;
using System.Data.Common;
using Microsoft.Extensions.Logging;
using Shop.Hosting.Orchestration;

namespace Shop.Hosting.Dashboard;

/// <summary>
/// Restarts resources on request from the dashboard. A restart can take many seconds (a server stopping and
/// starting again), so it runs in the background: the request only starts it, and a failure is logged and
/// shown on the resource rather than lost with a closed browser tab.
/// </summary>
internal sealed partial class RestartCommands(ResourceStore store, ILogger<RestartCommands> logger)
{
    private readonly ConcurrentDictionary<string, Task> _running = new(StringComparer.OrdinalIgnoreCase);
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Starts a restart; false when one is already under way for this resource.</summary>
    public bool TryStart(string name)
    {
        // Registered before it starts, so that a second request and StopAsync both see it at once.
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_running.TryAdd(name, done.Task))
        {
            return false;
        }
        _ = Task.Run(async () =>
        {
            try
            {
                await RestartAsync(name).ConfigureAwait(false);
            }
            finally
            {
                _running.TryRemove(name, out _);
                done.TrySetResult();
            }
        }, CancellationToken.None);
        return true;
    }

    /// <summary>Cancels restarts under way and waits for them, so none outlives the dashboard.</summary>
    public async Task StopAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_running.Values).ConfigureAwait(false);
    }

    private async Task RestartAsync(string name)
    {
        LogRestarting(name);
        var state = store.Get(name);
        try
        {
            await store.RestartAsync(name, _stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // The AppHost is stopping; the orchestrator stops the resource anyway.
        }
        catch (Exception e) when (e is DistributedApplicationException or IOException or UnauthorizedAccessException
                                      or Win32Exception or DbException or InvalidOperationException)
        {
            // The same failures the orchestrator reports for a first start; report them the same way.
            state.Log.Append(0, true, $"[shop] restart failed: {e.Message}");
            state.SetState(ResourceStateKind.FailedToStart, e.Message);
            LogRestartFailed(name, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Restarting {Resource} (requested from the dashboard)")]
    private partial void LogRestarting(string resource);

    [LoggerMessage(Level = LogLevel.Error, Message = "Restart of {Resource} failed")]
    private partial void LogRestartFailed(string resource, Exception exception);
}
