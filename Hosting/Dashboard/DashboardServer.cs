using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Shop.Hosting.Orchestration;

namespace Shop.Hosting.Dashboard;

/// <summary>
/// Serves the local dashboard from the AppHost process: a small Kestrel application of its own, on the loopback
/// interface, with the resource API, the live logs and the page. It starts before the orchestrator, so the
/// dashboard already answers while resources come up, and it goes last, so it shows the shutdown too.
/// </summary>
internal sealed partial class DashboardServer(
    ResourceStore store,
    DistributedApplicationModel model,
    DashboardEndpoint endpoint,
    IOptions<HostingOptions> options,
    ILoggerFactory loggerFactory,
    ILogger<DashboardServer> logger) : IHostedLifecycleService, IAsyncDisposable
{
    private WebApplication? _app;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.DashboardEnabled)
        {
            return;
        }
        var address = DashboardAddress.Parse(options.Value.DashboardUrl);
        var app = DashboardWebApp.Create(address, store, model, loggerFactory);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            var reason = e.InnerException is AddressInUseException
                ? $"port {address.Port} is already in use (another AppHost?)"
                : e.Message;
            throw new DistributedApplicationException(
                $"The dashboard cannot listen on {address}: {reason}. Choose another port with --Hosting:DashboardUrl=http://localhost:<port> " +
                "(port 0 picks a free one), or turn the dashboard off with --Hosting:DashboardEnabled=false.", e);
        }
        _app = app;
        // The bound address, not the configured one: port 0 becomes the port the kernel picked.
        var url = app.Urls.First();
        endpoint.Publish(url);
        LogListening(url);
    }

    /// <summary>Runs before any hosted service stops: no restart may race the orchestrator's shutdown.</summary>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            await _app.Services.GetRequiredService<RestartCommands>().StopAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is null)
        {
            return;
        }
        endpoint.Publish(null);
        // Stopping the app signals ApplicationStopping, which ends the open log streams before Kestrel drains.
        await _app.StopAsync(cancellationToken).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _app = null;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync().ConfigureAwait(false);
            _app = null;
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Dashboard: {Url}")]
    private partial void LogListening(string url);
}
