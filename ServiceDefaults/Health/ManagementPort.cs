using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;

namespace Shop.ServiceDefaults.Health;

/// <summary>
/// A service the internet reaches (the storefront, behind the ingress) serves <c>/health</c>, <c>/alive</c> and
/// <c>/metrics</c> on a port of its own, which only the orchestrator and Prometheus reach: its public port answers them
/// 404 (they would tell anyone its dependencies and its traffic). The AppHost gives the port
/// (<c>Management__Port</c>, its <c>management</c> endpoint); a service without it serves them on its one port.
/// The port is told by the connection's local port, not the Host header (<c>RequireHost</c>), which names whatever the
/// client connected to: DCP's proxy, or the ingress.
/// </summary>
public static class ManagementPort
{
    public const string ConfigurationKey = "Management:Port";

    /// <summary>The management port, or null when the service has none.</summary>
    public static int? Of(IConfiguration configuration) =>
        configuration[ConfigurationKey] is { Length: > 0 } value
            ? int.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture)
            : null;

    /// <summary>Marks the endpoint as served on the management port only (<see cref="UseManagementPortOnly"/> enforces it).</summary>
    public static TBuilder OnManagementPort<TBuilder>(this TBuilder endpoint)
        where TBuilder : IEndpointConventionBuilder =>
        endpoint.WithMetadata(ManagementOnly.Instance);

    /// <summary>
    /// Answers 404 to a request for an endpoint marked <see cref="OnManagementPort{TBuilder}"/> that arrived on another
    /// port than <paramref name="port"/>, as if there were no such endpoint. Runs after routing (it reads the endpoint).
    /// </summary>
    public static void UseManagementPortOnly(this WebApplication app, int port) =>
        app.Use((context, next) =>
        {
            if (context.GetEndpoint()?.Metadata.GetMetadata<ManagementOnly>() is not null && context.Connection.LocalPort != port)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }
            return next(context);
        });

    private sealed class ManagementOnly
    {
        public static readonly ManagementOnly Instance = new();
    }
}
