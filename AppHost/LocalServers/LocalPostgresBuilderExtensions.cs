using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Shop.AppHost.LocalServers;

public static class LocalPostgresBuilderExtensions
{
    /// <summary>
    /// A Postgres server of this machine (initdb on first start, scram-sha-256, fsync on) listening on a loopback
    /// port only, with the generated password parameter <c>{name}-password</c>; healthy once it answers a query.
    /// </summary>
    public static IResourceBuilder<LocalPostgresServerResource> AddLocalPostgres(this IDistributedApplicationBuilder builder, [ResourceName] string name)
    {
        var password = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-password");
        var postgresBinary = ServerBinary.Postgres.Locate(builder.Configuration);
        var initDbBinary = ServerBinary.InitDb.Locate(builder.Configuration);
        var (command, prefix) = PostgresUser.Wrap(postgresBinary);
        var server = new LocalPostgresServerResource(name, command, LocalDataFolder.For(builder, name), password);

        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(server, async (_, ct) =>
            connectionString = await server.ConnectionStringExpression.GetValueAsync(ct).ConfigureAwait(false));
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(server, (_, ct) => InitializeClusterAsync(server, initDbBinary, ct));
        builder.Eventing.Subscribe<ResourceReadyEvent>(server, async (@event, ct) =>
        {
            await CreateDatabasesAsync(server, connectionString!, ct).ConfigureAwait(false);
            await PublishDatabaseStatesAsync(server, @event.Services, KnownResourceStates.Running).ConfigureAwait(false);
        });
        builder.Eventing.Subscribe<ResourceStoppedEvent>(server, (@event, _) =>
            PublishDatabaseStatesAsync(server, @event.Services, @event.ResourceEvent.Snapshot.State?.Text ?? KnownResourceStates.Exited));

        var healthCheckKey = $"{name}_check";
        builder.Services.TryAddSingleton<RejectedPassword>();
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(healthCheckKey,
            services => new LocalPostgresHealthCheck(() => connectionString is null ? null : ServerScoped(connectionString), server, services.GetRequiredService<RejectedPassword>()),
            failureStatus: null, tags: null));

        return builder.AddResource(server)
            .WithLoopbackEndpoint(LocalPostgresServerResource.PrimaryEndpointName)
            .WithArgs(context =>
            {
                foreach (var argument in prefix)
                {
                    context.Args.Add(argument);
                }
                context.Args.Add("-D");
                context.Args.Add(server.ClusterFolder);
                context.Args.Add("-p");
                context.Args.Add(server.PrimaryEndpoint.Property(EndpointProperty.TargetPort));
                context.Args.Add("-c");
                context.Args.Add("listen_addresses=127.0.0.1");
                // No Unix socket: its default folder may not be writable, and every client uses TCP.
                context.Args.Add("-c");
                context.Args.Add("unix_socket_directories=");
                context.Args.Add("-c");
                context.Args.Add("max_connections=300");
            })
            .WithIconName("DatabaseMultiple")
            .WithHealthCheck(healthCheckKey)
            .ExcludeFromManifest();
    }

    /// <summary>A database, created (if missing) once its server is ready; healthy once it accepts connections.</summary>
    public static IResourceBuilder<LocalPostgresDatabaseResource> AddDatabase(this IResourceBuilder<LocalPostgresServerResource> builder, [ResourceName] string name, string? databaseName = null)
    {
        var database = new LocalPostgresDatabaseResource(name, databaseName ?? name, builder.Resource);
        builder.Resource.AddDatabase(database);

        string? connectionString = null;
        builder.ApplicationBuilder.Eventing.Subscribe<ConnectionStringAvailableEvent>(database, async (_, ct) =>
            connectionString = await database.ConnectionStringExpression.GetValueAsync(ct).ConfigureAwait(false));
        var healthCheckKey = $"{name}_check";
        builder.ApplicationBuilder.Services.TryAddSingleton<RejectedPassword>();
        builder.ApplicationBuilder.Services.AddHealthChecks().Add(new HealthCheckRegistration(healthCheckKey,
            services => new LocalPostgresHealthCheck(() => connectionString, builder.Resource, services.GetRequiredService<RejectedPassword>()),
            failureStatus: null, tags: null));

        return builder.ApplicationBuilder.AddResource(database)
            .WithParentRelationship(builder.Resource)
            .WithIconName("Database")
            .WithHealthCheck(healthCheckKey)
            .ExcludeFromManifest();
    }

    /// <summary>Keeps the cluster between runs (the run-mode analogue of a data volume).</summary>
    public static IResourceBuilder<LocalPostgresServerResource> WithDataVolume(this IResourceBuilder<LocalPostgresServerResource> builder) =>
        builder.WithAnnotation(new KeepDataAnnotation());

    // Npgsql would otherwise connect to a database named like the user; the server checks use "postgres". Not pooled:
    // an idle pooled connection of the AppHost holds Postgres's smart shutdown open (LocalPostgresHealthCheck).
    private static string ServerScoped(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Pooling = false }.ConnectionString;

    private static async Task InitializeClusterAsync(LocalPostgresServerResource server, string initDb, CancellationToken cancellationToken)
    {
        LocalDataFolder.Prepare(server, server.DataFolder);
        if (File.Exists(Path.Combine(server.ClusterFolder, "PG_VERSION")))
        {
            await PostgresUser.TakeOwnershipAsync(server.DataFolder, cancellationToken).ConfigureAwait(false);
            return;
        }
        // The password goes to initdb in a private file, never on a command line.
        var passwordFile = Path.Combine(server.DataFolder, ".initdb-password");
        var password = await server.PasswordParameter.GetValueAsync(cancellationToken).ConfigureAwait(false);
        await LocalDataFolder.WritePrivateFileAsync(passwordFile, password + "\n", cancellationToken).ConfigureAwait(false);
        try
        {
            await PostgresUser.TakeOwnershipAsync(server.DataFolder, cancellationToken).ConfigureAwait(false);
            var (command, prefix) = PostgresUser.Wrap(initDb);
            await PostgresUser.RunAsync(command,
                [.. prefix, "-D", server.ClusterFolder, "-U", LocalPostgresServerResource.UserName, $"--pwfile={passwordFile}",
                 "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C.UTF-8"],
                cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    private static async Task CreateDatabasesAsync(LocalPostgresServerResource server, string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(ServerScoped(connectionString));
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        foreach (var databaseName in server.Databases.Select(d => d.DatabaseName))
        {
            await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
            exists.Parameters.AddWithValue("name", databaseName);
            if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
            {
                // CREATE DATABASE takes no parameters: the name is quoted as an identifier.
                var quoted = "\"" + databaseName.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
                await using var create = new NpgsqlCommand($"CREATE DATABASE {quoted}", connection);
                await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Aspire passes a parent's state on to its child resources only for containers, so the databases of an
    /// executable server get theirs here: running once created (then their own health checks decide), and the
    /// server's state when it stops. <c>WaitFor(database)</c> relies on it.
    /// </summary>
    private static async Task PublishDatabaseStatesAsync(LocalPostgresServerResource server, IServiceProvider services, string state)
    {
        var notifications = services.GetRequiredService<ResourceNotificationService>();
        foreach (var database in server.Databases)
        {
            await notifications.PublishUpdateAsync(database, snapshot => snapshot with
            {
                State = state,
                StartTimeStamp = state == KnownResourceStates.Running ? DateTime.UtcNow : snapshot.StartTimeStamp,
            }).ConfigureAwait(false);
        }
    }
}
