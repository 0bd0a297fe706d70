using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Shop.ServiceDefaults.Clients;

/// <summary>
/// PING through the shared multiplexer. Never waits for the connection to be set up: while it is, the check
/// says so (Unhealthy) and the next probe looks again.
/// </summary>
internal sealed class RedisHealthCheck(RedisConnection connection) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!connection.TryGet(out var multiplexer))
        {
            connection.Start();
            return connection.LastError is { } error
                ? new HealthCheckResult(context.Registration.FailureStatus, "Redis client could not be created: " + error.Message, error)
                : new HealthCheckResult(context.Registration.FailureStatus, "Connecting to Redis at " + connection.Endpoints + ".");
        }

        if (!multiplexer.IsConnected)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "Not connected to Redis at " + connection.Endpoints + "; reconnecting.");
        }

        // Exceptions (connection lost between the test and the PING, timeout) are reported by the health
        // check service as Unhealthy with the exception attached.
        var latency = await multiplexer.GetDatabase().PingAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        return HealthCheckResult.Healthy("PING " + latency.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture) + " ms");
    }
}
