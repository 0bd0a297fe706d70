using Npgsql;
using Shop.Hosting.ApplicationModel;

namespace Shop.Hosting.Orchestration;

/// <summary>Creates the database in its (already healthy) server; healthy once it accepts connections.</summary>
internal sealed class PostgresDatabaseRunner(ResourceState state, RunContext context, PostgresDatabaseResource database) : ResourceRunner(state, context)
{
    public override int StopOrder => 1;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(
            await PostgresRunner.ServerConnectionStringAsync(database.Parent, "postgres", cancellationToken).ConfigureAwait(false));
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
        exists.Parameters.AddWithValue("name", database.DatabaseName);
        if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
        {
            // CREATE DATABASE takes no parameters; the name is quoted as an identifier.
            var quoted = "\"" + database.DatabaseName.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
            await using var create = new NpgsqlCommand($"CREATE DATABASE {quoted}", connection);
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            State.Log.Append(0, false, $"[shop] created database {database.DatabaseName}");
        }
        State.SetState(ResourceStateKind.Running);
    }

    public override async Task<HealthResult> CheckHealthAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection(
                await PostgresRunner.ServerConnectionStringAsync(database.Parent, database.DatabaseName, cancellationToken).ConfigureAwait(false));
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return HealthResult.Healthy();
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            return HealthResult.Unhealthy(e.Message);
        }
    }

    public override Task StopAsync()
    {
        State.SetState(ResourceStateKind.Finished);
        return Task.CompletedTask;
    }
}
