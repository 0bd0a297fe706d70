using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Shop.AppHost.LocalServers;

/// <summary>
/// Healthy once the server (or one of its databases) answers a query. A connection of its own per check, not a
/// pooled one: a check every few seconds needs no pool, and a pooled idle connection of the AppHost kept Postgres's
/// smart shutdown (SIGTERM waits for every client to leave) open until DCP killed it, 5 s later (docs/testing.md).
/// A refused password is reported by <see cref="RejectedPassword"/>, which stops the app.
/// </summary>
internal sealed class LocalPostgresHealthCheck(
    Func<string?> connectionString,
    LocalPostgresServerResource server,
    RejectedPassword rejectedPassword) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var target = new NpgsqlConnectionStringBuilder(connectionString() ?? throw new InvalidOperationException($"{server.Name} has no connection string yet"))
        {
            Pooling = false,
            Timeout = 5,
        };
        try
        {
            await using var connection = new NpgsqlConnection(target.ConnectionString);
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy();
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InvalidPassword)
        {
            rejectedPassword.StopTheApp(server, server.PasswordParameter, server.DataFolder, e.MessageText);
            return HealthCheckResult.Unhealthy($"the password is refused: {server.DataFolder} was created with another one", e);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy(e.Message, e);
        }
    }
}
