using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Shop.ServiceDefaults.Hosting;

/// <summary>
/// How a Shop service stops when it is asked to (SIGTERM from DCP, Kubernetes or a terminal): its hosted services
/// stop together rather than one after another, and the host gives up on them after <see cref="DefaultTimeout"/>.
/// </summary>
/// <remarks>
/// When an app is torn down, its servers go at the same moment as its services. A loop blocked on a Redis, RabbitMQ
/// or Postgres that has just gone waits for its client's own timeout (StackExchange.Redis takes no cancellation
/// token), and the host's defaults (stop in sequence, 30 s) added those waits up: a service took 10–40 s to exit
/// after SIGTERM once its servers were dead, against 0.1–1 s while they were up (measured in docs/testing.md).
/// Nothing is lost by giving up: every Shop loop acknowledges only what is durable, so an abandoned round is
/// redone by the next process. <c>shutdownTimeoutSeconds</c> in configuration (the host's own key) still wins.
/// </remarks>
public static class ShutdownDefaults
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    public static TBuilder AddShutdownDefaults<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        var configuredTimeout = builder.Configuration["shutdownTimeoutSeconds"] is { Length: > 0 };
        builder.Services.Configure<HostOptions>(options =>
        {
            options.ServicesStopConcurrently = true;
            if (!configuredTimeout)
            {
                options.ShutdownTimeout = DefaultTimeout;
            }
        });
        return builder;
    }
}
