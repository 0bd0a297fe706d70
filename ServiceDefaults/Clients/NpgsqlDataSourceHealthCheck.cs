using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Shop.ServiceDefaults.Clients;

/// <summary>Runs <c>SELECT 1</c> on a pooled connection; a failure propagates so the report carries the real error.</summary>
internal sealed class NpgsqlDataSourceHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("SELECT 1");
        await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return HealthCheckResult.Healthy();
    }
}
