using Npgsql;
using Shop.Hosting.ApplicationModel;

namespace Shop.Hosting.Orchestration;

/// <summary>
/// A Postgres cluster in the resource's data folder (initdb on first start), listening on loopback TCP only.
/// Postgres refuses to run as root, so when the AppHost is root it runs as the "postgres" user.
/// </summary>
internal sealed class PostgresRunner(ResourceState state, RunContext context, PostgresServerResource postgres) : ProcessRunner(state, context)
{
    private const string PostgresUser = "postgres";

    public override int StopOrder => 2;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var postgresBinary = Context.Binaries.Find(ServerBinary.Postgres);
        var initDbBinary = Context.Binaries.Find(ServerBinary.InitDb);
        return StartServerAsync(async ct =>
        {
            var data = Context.DataFolder(postgres);
            var cluster = Path.Combine(data, "pgdata");
            var runAs = Native.IsRoot ? PostgresUser : null;
            if (runAs is not null)
            {
                await GiveToPostgresUserAsync(data, ct).ConfigureAwait(false);
            }
            if (!File.Exists(Path.Combine(cluster, "PG_VERSION")))
            {
                await InitializeClusterAsync(initDbBinary, data, cluster, runAs, ct).ConfigureAwait(false);
            }
            string[] arguments =
            [
                "-D", cluster,
                "-p", PrimaryEndpoint!.Allocated!.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "-c", "listen_addresses=127.0.0.1",
                // No Unix socket: the default socket folder may not be writable, and every client uses TCP.
                "-c", "unix_socket_directories=",
                "-c", "max_connections=300",
            ];
            return new ProcessSpec(postgresBinary, arguments, data) { RunAsUser = runAs, StopSignal = Native.SIGINT };
        }, cancellationToken);
    }

    public override async Task<HealthResult> CheckHealthAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection(await ServerConnectionStringAsync(postgres, "postgres", cancellationToken).ConfigureAwait(false));
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return HealthResult.Healthy();
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            return HealthResult.Unhealthy(e.Message);
        }
    }

    /// <summary>A connection string for the AppHost's own checks: no pooling, so a restarted server is seen at once.</summary>
    internal static async Task<string> ServerConnectionStringAsync(PostgresServerResource server, string database, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(await server.ConnectionStringExpression.GetValueAsync(cancellationToken).ConfigureAwait(false))
        {
            Database = database,
            Pooling = false,
            Timeout = 3,
        };
        return builder.ConnectionString;
    }

    private async Task InitializeClusterAsync(string initDb, string data, string cluster, string? runAs, CancellationToken cancellationToken)
    {
        var passwordFile = Path.Combine(data, ".initdb-password");
        await File.WriteAllTextAsync(passwordFile, postgres.PasswordParameter.Value + "\n", cancellationToken).ConfigureAwait(false);
        UnixFiles.MakePrivate(passwordFile);
        if (runAs is not null)
        {
            await GiveToPostgresUserAsync(passwordFile, cancellationToken).ConfigureAwait(false);
        }
        try
        {
            var spec = new ProcessSpec(initDb,
                ["-D", cluster, "-U", PostgresServerResource.UserName, $"--pwfile={passwordFile}", "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C.UTF-8"],
                data) { RunAsUser = runAs };
            await OneShotProcess.RunAsync(spec, State.Log, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    private async Task GiveToPostgresUserAsync(string path, CancellationToken cancellationToken)
    {
        await OneShotProcess.RunAsync(new ProcessSpec("chown", ["-R", $"{PostgresUser}:{PostgresUser}", path], "/"), State.Log, cancellationToken).ConfigureAwait(false);
        // The postgres user must be able to reach the folder through every parent (a data folder under /root cannot work).
        var probe = new ProcessSpec("test", ["-w", path], "/") { RunAsUser = PostgresUser };
        try
        {
            await OneShotProcess.RunAsync(probe, State.Log, cancellationToken).ConfigureAwait(false);
        }
        catch (DistributedApplicationException)
        {
            throw new DistributedApplicationException(
                $"Postgres runs as the '{PostgresUser}' user, which cannot reach '{path}'. Choose an app data folder every user can traverse, " +
                "e.g. --Hosting:DataPath=/var/tmp/shop (or the environment variable Hosting__DataPath).");
        }
    }
}
