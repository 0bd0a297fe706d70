using Microsoft.Extensions.Hosting;

namespace Shop.ServiceDefaults.Telemetry;

/// <summary>
/// Creates the telemetry providers in <see cref="StartingAsync"/>, which every lifecycle service gets before
/// any hosted service (Kestrel included) starts, so the first request is already traced and measured; flushes
/// and disposes them once everything else has stopped, so shutdown work is exported too.
/// </summary>
internal sealed class TelemetryHostedService(TelemetryProviders providers) : IHostedLifecycleService
{
    private const int FlushTimeoutMilliseconds = 5_000;

    public Task StartingAsync(CancellationToken cancellationToken)
    {
        // Touching the providers is enough: constructor injection already built them.
        GC.KeepAlive(providers.MeterProvider);
        GC.KeepAlive(providers.TracerProvider);
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        providers.ForceFlush(FlushTimeoutMilliseconds);
        providers.Dispose();
        return Task.CompletedTask;
    }
}
