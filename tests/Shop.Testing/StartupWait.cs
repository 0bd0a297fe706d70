using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace Shop.Testing;

/// <summary>
/// Waits for what a test app started to be healthy, for as long as the app makes progress: a start that is merely
/// slow (a loaded machine) is waited for, one that is stuck or broken fails with the resources that did not come up,
/// their failing checks and their last output. A resource that fails to start or exits fails the wait at once,
/// except one that runs to completion (the <c>migrations</c> resource), which must exit, with code 0.
/// </summary>
public static class StartupWait
{
    /// <summary>No resource changing its state or health for this long means the start is stuck.</summary>
    public static readonly TimeSpan StallTimeout = TimeSpan.FromMinutes(2);

    /// <summary>A start still making progress after this long has another problem (seen: 35 s for the whole app when idle).</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromMinutes(8);

    /// <summary>
    /// Starts the app and waits until <paramref name="resourceNames"/> are healthy and <paramref name="completing"/>
    /// have exited with code 0; on failure the start is cancelled.
    /// </summary>
    public static async Task StartAndWaitHealthyAsync(DistributedApplication app, ResourceStates states, IReadOnlyList<string> resourceNames,
        IReadOnlyList<string>? completing = null)
    {
        using var cancel = new CancellationTokenSource();
        // StartAsync returns once every resource has started, which includes waiting for what each waits for: it is
        // watched alongside, not awaited first, so that a stuck dependency is reported instead of waited on forever.
        var starting = app.StartAsync(cancel.Token);
        var replicas = app.Services.GetRequiredService<DistributedApplicationModel>().Resources
            .ToDictionary(r => r.Name, r => r.Annotations.OfType<ReplicaAnnotation>().LastOrDefault()?.Replicas ?? 1, StringComparer.Ordinal);
        try
        {
            await WaitHealthyAsync(states, resourceNames, CancellationToken.None, starting, replicas, completing);
            await starting;
        }
        catch
        {
            await cancel.CancelAsync();
            try
            {
                await starting;
            }
            catch (Exception e) when (e is OperationCanceledException or DistributedApplicationException)
            {
                // The reason is the one being thrown.
            }
            throw;
        }
    }

    /// <summary>
    /// Waits until every instance of the resources runs and is healthy. At the app's start (<paramref name="starting"/>
    /// given) an instance that ends fails the wait at once; after a command (a restart passes through Finished) it is
    /// waited through, as long as something changes.
    /// </summary>
    public static async Task WaitHealthyAsync(ResourceStates states, IReadOnlyList<string> resourceNames, CancellationToken cancellationToken,
        Task? starting = null, IReadOnlyDictionary<string, int>? replicas = null, IReadOnlyList<string>? completing = null)
    {
        var begun = DateTime.UtcNow;
        while (true)
        {
            // A run-to-completion resource that failed holds back what waits for it forever: fail at once, naming it.
            if ((completing ?? []).Select(states.Failed).FirstOrDefault(e => e is not null) is { } failed)
            {
                throw new InvalidOperationException($"{failed.ResourceId} ended ({failed.Snapshot.State?.Text}, exit code {failed.Snapshot.ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}):\n{states.Describe([failed.Resource.Name])}");
            }
            var pending = resourceNames.Where(name => !states.IsHealthy(name, replicas?.GetValueOrDefault(name, 1) ?? 1))
                .Concat((completing ?? []).Where(name => !states.HasCompleted(name)))
                .ToList();
            if (pending.Count == 0)
            {
                return;
            }
            if (starting is not null && pending.Select(states.Ended).FirstOrDefault(e => e is not null) is { } ended)
            {
                throw new InvalidOperationException($"{ended.ResourceId} ended ({ended.Snapshot.State?.Text}) before it was healthy:\n{states.Describe(pending)}");
            }
            if (starting is { IsFaulted: true })
            {
                throw new InvalidOperationException($"The app failed to start:\n{states.Describe(pending)}", starting.Exception);
            }
            var now = DateTime.UtcNow;
            if (now - states.LastChange > StallTimeout || now - begun > Limit)
            {
                throw new TimeoutException($"Not healthy after {(now - begun).TotalSeconds:F0} s (nothing changed for {(now - states.LastChange).TotalSeconds:F0} s):\n{states.Describe(pending)}");
            }
            await states.WaitForChangeAsync(TimeSpan.FromSeconds(1), cancellationToken);
        }
    }
}
