using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Shop.Testing;

namespace Shop.Testing;

/// <summary>
/// Fault injection on top of <see cref="ShopApp"/>: Aspire does not start a process that died, so a test that kills
/// one waits until DCP has seen it exit, starts it again, and waits until a new process of it is running and healthy.
/// </summary>
public static class ShopAppFaults
{
    /// <summary>Kills the instance (SIGKILL) and waits until Aspire reports it is no longer running.</summary>
    public static async Task KillAndWaitExitedAsync(this ShopApp shop, ResourceInstance instance, TimeSpan within)
    {
        await instance.KillAsync();
        await PollAsync(() => State(shop, instance) is { } s && s.Snapshot.State?.Text != KnownResourceStates.Running,
            within, () => $"{instance.Name} seen as exited: {shop.Describe([instance.ResourceName])}");
    }

    /// <summary>Starts a killed instance again (by its instance name) and waits until a new process of it is healthy.</summary>
    public static async Task StartAgainAsync(this ShopApp shop, ResourceInstance instance, TimeSpan within, CancellationToken cancellationToken = default)
    {
        await shop.RunCommandAsync(instance.Name, "start", cancellationToken);
        await WaitBackAsync(shop, instance, within);
    }

    /// <summary>
    /// The server loses its disk: it is stopped (Aspire's "stop"; the process has exited before anything is touched),
    /// every file in its data folder is deleted, and it is started again (its config is written anew at start) and
    /// waited for until a new process of it is healthy. For a server whose data folder is otherwise kept.
    /// </summary>
    public static async Task LoseDataAsync(this ShopApp shop, string resourceName, TimeSpan within, CancellationToken cancellationToken = default)
    {
        var instance = shop.Instances(resourceName).Single();
        await shop.RunCommandAsync(instance.Name, "stop", cancellationToken);
        await PollAsync(() => State(shop, instance)?.Snapshot.State?.Text is { } state && KnownResourceStates.TerminalStates.Contains(state) && !IsAlive(instance.Pid),
            within, () => $"{instance.Name} stopped: {shop.Describe([resourceName])}");
        var folder = shop.DataFolderOf(resourceName);
        foreach (var entry in folder.EnumerateFileSystemInfos())
        {
            if (entry is DirectoryInfo directory)
            {
                directory.Delete(recursive: true);
            }
            else
            {
                entry.Delete();
            }
        }
        await shop.StartAgainAsync(instance, within, cancellationToken);
    }

    private static bool IsAlive(int pid) => Directory.Exists($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>Waits until the instance runs as a new process (another pid than <paramref name="instance"/>'s) and is healthy.</summary>
    public static Task WaitBackAsync(this ShopApp shop, ResourceInstance instance, TimeSpan within) =>
        PollAsync(() => State(shop, instance) is { } s
                && s.Snapshot.State?.Text == KnownResourceStates.Running
                && s.Snapshot.HealthStatus == HealthStatus.Healthy
                && s.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value is { } pid
                && Convert.ToString(pid, CultureInfo.InvariantCulture) != instance.Pid.ToString(CultureInfo.InvariantCulture),
            within, () => $"{instance.Name} running and healthy again: {shop.Describe([instance.ResourceName])}");

    private static ResourceEvent? State(ShopApp shop, ResourceInstance instance) =>
        shop.States.InstancesOf(instance.ResourceName).FirstOrDefault(s => s.ResourceId == instance.Name);

    private static async Task PollAsync(Func<bool> condition, TimeSpan within, Func<string> what)
    {
        var deadline = DateTime.UtcNow + within;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Not true within {within.TotalSeconds} s: {what()}");
            }
            await Task.Delay(200);
        }
    }
}
