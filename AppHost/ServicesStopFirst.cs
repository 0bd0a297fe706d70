using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Shop.AppHost;

/// <summary>
/// When the AppHost stops (Ctrl+C, SIGTERM, a test disposing its app), tells every running Shop service to stop with
/// SIGTERM and waits for them, before Aspire has DCP tear the rest down.
/// </summary>
/// <remarks>
/// DCP runs a project as <c>dotnet run --no-build</c> and stops it by sending its launcher SIGINT, which
/// <c>dotnet run</c> does not pass on (in a terminal the child gets Ctrl+C itself); after DCP's grace period the
/// launcher is killed and only then is the service told to stop, by which time DCP has stopped Redis, Postgres and
/// RabbitMQ too, so the service waits on servers that have gone. Measured on a whole app: the services exited
/// 11–13 s after the AppHost was stopped; with SIGTERM first (which <c>dotnet run</c> forwards) they exit in about
/// 1–2 s while their servers are still up, and the whole app is gone in about 6 s (docs/testing.md). A service that
/// does not exit within <see cref="Timeout"/> is left to DCP as before. A hosted service added after Aspire's own
/// runs its StopAsync before them (the host stops hosted services in reverse order).
/// </remarks>
internal sealed partial class ServicesStopFirst(
    ResourceNotificationService notifications,
    ILogger<ServicesStopFirst> logger) : BackgroundService
{
    /// <summary>ServiceDefaults gives a service 5 s to stop (ShutdownDefaults); a little more for the process to end.</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(8);

    private const int SIGTERM = 15;

    /// <summary>The launcher pid of every running instance of a project (both replicas of ordering-api), by instance.</summary>
    private readonly Dictionary<string, int> _running = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var update in notifications.WatchAsync(stoppingToken).ConfigureAwait(false))
            {
                if (update.Resource is not ProjectResource)
                {
                    continue;
                }
                lock (_running)
                {
                    if (update.Snapshot.State?.Text == KnownResourceStates.Running
                        && update.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value is { } pid)
                    {
                        _running[update.ResourceId] = Convert.ToInt32(pid, CultureInfo.InvariantCulture);
                    }
                    else
                    {
                        _running.Remove(update.ResourceId);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The AppHost is stopping: StopAsync takes over.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        List<(string Instance, int Pid)> services;
        lock (_running)
        {
            services = [.. _running.Select(r => (r.Key, r.Value))];
            // Signalled once: a second stop must not signal pids the system may since have given to other processes.
            _running.Clear();
        }
        foreach (var (instance, pid) in services)
        {
            if (Kill(pid, SIGTERM) != 0)
            {
                LogNotSignalled(logger, instance, pid, Marshal.GetLastPInvokeError());
            }
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            // Another process's exit cannot be awaited on Linux (it is DCP's child, not ours): look every 50 ms.
            while (services.Any(s => IsRunning(s.Pid)))
            {
                await Task.Delay(50, timeout.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            LogStillRunning(logger, string.Join(", ", services.Where(s => IsRunning(s.Pid)).Select(s => s.Instance)));
        }
    }

    /// <summary>Alive and not a zombie waiting for its parent (DCP) to collect it.</summary>
    private static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z') is false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not signal {Instance} (pid {Pid}): errno {Errno}")]
    private static partial void LogNotSignalled(ILogger logger, string instance, int pid, int errno);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Still running after SIGTERM, left to DCP: {Instances}")]
    private static partial void LogStillRunning(ILogger logger, string instances);
}

internal static class ServicesStopFirstExtensions
{
    /// <summary>Registers <see cref="ServicesStopFirst"/> once, in run mode (publish mode starts no process).</summary>
    public static IDistributedApplicationBuilder StopsServicesFirst(this IDistributedApplicationBuilder builder)
    {
        if (builder.ExecutionContext.IsRunMode)
        {
            builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Hosting.IHostedService, ServicesStopFirst>());
        }
        return builder;
    }
}
