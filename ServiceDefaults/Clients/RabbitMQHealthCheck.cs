using Microsoft.Extensions.Diagnostics.HealthChecks;
using RabbitMQ.Client;

namespace Shop.ServiceDefaults.Clients;

/// <summary>
/// Healthy when the shared connection is open and a channel can be opened on it (a connection can be open while
/// the broker refuses channels, e.g. under a resource alarm). Never waits for the connection to be set up.
/// </summary>
internal sealed class RabbitMQHealthCheck(RabbitMQConnectionProvider provider) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!provider.TryGetConnection(out var connection))
        {
            var error = provider.LastError;
            var connecting = provider.IsConnecting;

            // After a failed round of attempts, a probe starts the next one: the broker may be up by now.
            provider.StartConnecting();
            return error is not null && !connecting
                ? new HealthCheckResult(context.Registration.FailureStatus, $"No connection to RabbitMQ at {provider.Endpoint}: {error.Message}", error)
                : new HealthCheckResult(context.Registration.FailureStatus, $"Connecting to RabbitMQ at {provider.Endpoint}.");
        }

        if (!connection.IsOpen)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"RabbitMQ connection to {provider.Endpoint} is closed ({connection.CloseReason?.ReplyText}); recovering.");
        }

        var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await using (channel.ConfigureAwait(false))
        {
            await channel.CloseAsync(cancellationToken).ConfigureAwait(false);
        }

        return HealthCheckResult.Healthy();
    }
}
