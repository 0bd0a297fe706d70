using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Shop.AppHost;

/// <summary>
/// Says on the console which resource keeps the app from becoming ready: an instance that has been running for
/// <see cref="UnhealthyResourceWarningOptions.After"/> without passing its health checks is named, with each failing
/// check's last error. Aspire's dashboard shows the same, but a developer who started <c>./run.sh</c> watches the
/// console, where a server that never turns healthy (a refused password, a port taken, a full disk) otherwise leaves
/// only silence while everything else waits for it. Said once per instance and start; said again if it recovers.
/// </summary>
internal sealed partial class UnhealthyResourceWarning(
    ResourceNotificationService notifications,
    UnhealthyResourceWarningOptions options,
    TimeProvider time,
    ILogger<UnhealthyResourceWarning> logger) : BackgroundService
{
    private readonly Dictionary<string, Instance> _instances = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var watching = WatchAsync(stoppingToken);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                WarnOfLongUnhealthy();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The AppHost is stopping.
        }
        await watching.ConfigureAwait(false);
    }

    private async Task WatchAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var update in notifications.WatchAsync(stoppingToken).ConfigureAwait(false))
            {
                var snapshot = update.Snapshot;
                lock (_instances)
                {
                    var instance = _instances.GetValueOrDefault(update.ResourceId);
                    var running = snapshot.State?.Text == KnownResourceStates.Running && snapshot.HealthReports.Length > 0;
                    if (!running || snapshot.HealthStatus == HealthStatus.Healthy)
                    {
                        if (instance is { Warned: true } && snapshot.HealthStatus == HealthStatus.Healthy)
                        {
                            LogHealthyNow(logger, update.ResourceId);
                        }
                        _instances.Remove(update.ResourceId);
                        continue;
                    }
                    _instances[update.ResourceId] = (instance ?? new Instance(update.Resource.Name, time.GetUtcNow())) with { Snapshot = snapshot };
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The AppHost is stopping.
        }
    }

    private void WarnOfLongUnhealthy()
    {
        lock (_instances)
        {
            foreach (var (name, instance) in _instances.Where(i => !i.Value.Warned && time.GetUtcNow() - i.Value.UnhealthySince >= options.After).ToList())
            {
                var failing = instance.Snapshot!.HealthReports.Where(r => r.Status is not HealthStatus.Healthy)
                    .Select(r => $"{r.Name}: {r.Description ?? FirstLine(r.ExceptionText) ?? "no answer yet"}");
                LogStillUnhealthy(logger, instance.Resource, name, (int)options.After.TotalSeconds, string.Join("; ", failing));
                _instances[name] = instance with { Warned = true };
            }
        }
    }

    private static string? FirstLine(string? text) => text?.Split('\n', 2)[0].Trim();

    private sealed record Instance(string Resource, DateTimeOffset UnhealthySince, bool Warned = false, CustomResourceSnapshot? Snapshot = null);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Resource} ({Instance}) is running but not healthy after {Seconds} s, and what waits for it waits on: {Checks}")]
    private static partial void LogStillUnhealthy(ILogger logger, string resource, string instance, int seconds, string checks);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Resource} is healthy now")]
    private static partial void LogHealthyNow(ILogger logger, string resource);
}

/// <summary>Section <c>UnhealthyResourceWarning</c> of the AppHost's configuration.</summary>
internal sealed class UnhealthyResourceWarningOptions
{
    public const string SectionName = "UnhealthyResourceWarning";

    /// <summary>How long an instance may run unhealthy before it is named (the slowest server, RabbitMQ, takes about 7 s here).</summary>
    public TimeSpan After { get; set; } = TimeSpan.FromSeconds(20);
}

internal static class UnhealthyResourceWarningExtensions
{
    /// <summary>Adds <see cref="UnhealthyResourceWarning"/> in run mode (publish mode starts nothing).</summary>
    public static IDistributedApplicationBuilder WarnsOfUnhealthyResources(this IDistributedApplicationBuilder builder)
    {
        if (builder.ExecutionContext.IsRunMode)
        {
            var options = builder.Configuration.GetSection(UnhealthyResourceWarningOptions.SectionName).Get<UnhealthyResourceWarningOptions>() ?? new();
            if (options.After <= TimeSpan.Zero)
            {
                throw new DistributedApplicationException($"{UnhealthyResourceWarningOptions.SectionName}:After must be positive (it is {options.After})");
            }
            builder.Services.TryAddSingleton(options);
            builder.Services.TryAddSingleton(TimeProvider.System);
            builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, UnhealthyResourceWarning>());
        }
        return builder;
    }
}
