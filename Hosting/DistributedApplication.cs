using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Shop.Hosting.Testing;

namespace Shop.Hosting;

/// <summary>The built application: runs the local orchestrator (or writes the manifest) until stopped.</summary>
public sealed class DistributedApplication(IHost host) : IAsyncDisposable
{
    public static IDistributedApplicationBuilder CreateBuilder(string[] args)
    {
        var capture = CompositionCapture.Current;
        var appHostAssembly = capture?.AppHostAssembly ?? Assembly.GetEntryAssembly()
            ?? throw new DistributedApplicationException("Cannot tell which assembly is the AppHost.");
        return new DistributedApplicationBuilder(args, appHostAssembly, capture);
    }

    public IServiceProvider Services => host.Services;

    public Task StartAsync(CancellationToken cancellationToken = default) => host.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken = default) => host.StopAsync(cancellationToken);

    public Task RunAsync(CancellationToken cancellationToken = default) => host.RunAsync(cancellationToken);

    public void Run() => host.Run();

    public async ValueTask DisposeAsync()
    {
        try
        {
            await host.StopAsync().ConfigureAwait(false);
        }
        finally
        {
            if (host is IAsyncDisposable asyncDisposable)
            {
                await asyncDisposable.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                host.Dispose();
            }
        }
    }

    internal T GetRequiredService<T>() where T : notnull => host.Services.GetRequiredService<T>();
}
