using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Shop.ServiceDefaults.Clients;

/// <summary>
/// Opens the DbContext's own connection (same data source, same pool) and runs <c>SELECT 1</c>, once.
/// Not <c>Database.CanConnectAsync</c>: that goes through the retrying execution strategy, so during an outage
/// each probe would retry for about a minute (and be cut off by the check's timeout), and it turns the reason
/// into a bare <see langword="false"/>. A failure here propagates, so the health report carries the real error
/// (connection refused, authentication failed, database does not exist).
/// </summary>
internal sealed class DbContextHealthCheck<TContext>(IServiceScopeFactory scopes) : IHealthCheck
    where TContext : DbContext
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        // A scope, so that the pooled context goes back to the pool.
        await using var scope = scopes.CreateAsyncScope();
        var connection = scope.ServiceProvider.GetRequiredService<TContext>().Database.GetDbConnection();

        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var command = connection.CreateCommand();
            await using (command.ConfigureAwait(false))
            {
                command.CommandText = "SELECT 1";
                await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            await connection.CloseAsync().ConfigureAwait(false);
        }

        return HealthCheckResult.Healthy();
    }
}
