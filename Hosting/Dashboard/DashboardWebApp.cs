using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Shop.Hosting.Orchestration;

namespace Shop.Hosting.Dashboard;

/// <summary>
/// Builds the dashboard's Kestrel application. It lives inside the AppHost process, so it borrows the AppHost's
/// logging and leaves signals (Ctrl+C, SIGTERM) to the AppHost, which stops it through <see cref="DashboardServer"/>.
/// </summary>
internal static class DashboardWebApp
{
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(5);

    public static WebApplication Create(IPEndPoint address, ResourceStore store, DistributedApplicationModel model, ILoggerFactory loggerFactory)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ApplicationName = typeof(DashboardWebApp).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environments.Production,
        });
        // HostingOptions alone place the dashboard: ASPNETCORE_URLS or a Kestrel section meant for the
        // AppHost's launch profile must not move it.
        builder.Configuration.Sources.Clear();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(address));
        builder.Services.AddSingleton<IHostLifetime, NoSignalsLifetime>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = ShutdownTimeout);

        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new ForwardingLoggerProvider(loggerFactory));
        // The embedded host's own start/stop chatter ("Application started. Press Ctrl+C...") would mislead in
        // the AppHost's console; a failure to start is rethrown by DashboardServer with a clearer message.
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.None);
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        // Host names that resolve to this machine only: refuses a DNS-rebinding page that reaches the port
        // under a name of its own.
        builder.Services.AddHostFiltering(o => o.AllowedHosts = ["localhost", "127.0.0.1", "[::1]"]);
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, DashboardJsonContext.Default));
        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton(new DashboardResources(model, store));
        builder.Services.AddSingleton<RestartCommands>();

        var app = builder.Build();
        app.UseHostFiltering();
        app.MapDashboardApi();
        app.MapEmbeddedAssets(EmbeddedAssets.Load());
        return app;
    }

    /// <summary>Starts and stops when told; the default console lifetime would also act on the AppHost's signals.</summary>
    private sealed class NoSignalsLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>Sends the embedded app's logs to the AppHost's logger factory (its console format and filters).</summary>
    private sealed class ForwardingLoggerProvider(ILoggerFactory target) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => target.CreateLogger(categoryName);

        // The factory belongs to the AppHost, which disposes it.
        public void Dispose()
        {
        }
    }
}
