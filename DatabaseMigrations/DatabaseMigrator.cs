using System.Diagnostics;
using System.Net.Sockets;
using Npgsql;
using Shop.Catalog.Data;
using Shop.Identity.Data;
using Shop.Ordering.Core.Schema;
using Shop.ServiceDefaults.Resilience;

namespace Shop.DatabaseMigrations;

/// <summary>
/// Migrates each database in turn: orderingdb (<see cref="OrderingSchema"/>, numbered SQL scripts), identitydb
/// (<see cref="IdentityDatabaseInitializer"/>, EF Core migrations, keys, clients and accounts, with the accounts catalogdb
/// held before identity-api) and catalogdb (<see cref="CatalogDatabaseInitializer"/>, EF Core migrations and the demo data). Each migrator takes an advisory
/// lock of its own, so two runs at once (two AppHosts on one server, a test) apply every step once.
/// </summary>
public sealed partial class DatabaseMigrator(NpgsqlDataSource orderingDb, IServiceProvider services, ILogger<DatabaseMigrator> logger)
{
    public const string ActivitySourceName = "Shop.DatabaseMigrations";

    private static readonly ActivitySource Source = new(ActivitySourceName);

    // The AppHost starts this resource once the databases are healthy, so an outage here is the server restarting or
    // refusing connections for a moment. A minute of retries covers that; a server still away after it is a failure
    // the operator must see (the services stay waiting), not one to wait on forever.
    private static readonly TimeSpan RetryFor = TimeSpan.FromMinutes(1);
    private static readonly Backoff RetryBackoff = new(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(5));

    /// <summary>True when every database is migrated; false (logged) when one could not be, or the run was stopped.</summary>
    public async Task<bool> MigrateAsync(CancellationToken cancellationToken)
    {
        try
        {
            // First, as the server's superuser, the roles and their rights (the AppHost gives the superuser's
            // connection for this step alone); every migration after it runs as the databases' owner role.
            var roles = services.GetRequiredService<DatabaseRoleProvisioner>();
            if (roles.Configured)
            {
                await MigrateWithRetriesAsync("roles", roles.ProvisionAsync, cancellationToken);
            }
            else
            {
                LogNoProvisioning(logger);
            }
            await MigrateWithRetriesAsync("orderingdb", token => OrderingSchema.MigrateAsync(orderingDb, logger, token), cancellationToken);
            // identitydb before catalogdb: catalogdb's migration UsersMovedToIdentity drops the accounts identitydb takes over.
            await MigrateWithRetriesAsync("identitydb", async token =>
            {
                var legacyUsers = await CatalogUsers.ReadLegacyAsync(services, token);
                await IdentityDatabaseInitializer.InitializeAsync(services, legacyUsers, logger, token);
            }, cancellationToken);
            await MigrateWithRetriesAsync("catalogdb", token => CatalogDatabaseInitializer.InitializeAsync(services, logger, token), cancellationToken);
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            LogStopped(logger);
            return false;
        }
        catch (Exception e)
        {
            LogFailed(logger, e);
            return false;
        }
    }

    private async Task MigrateWithRetriesAsync(string database, Func<CancellationToken, Task> migrate, CancellationToken cancellationToken)
    {
        using var activity = Source.StartActivity("migrate " + database);
        activity?.SetTag("db.namespace", database);
        var stopwatch = Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await migrate(cancellationToken);
                LogMigrated(logger, database, stopwatch.ElapsedMilliseconds);
                return;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && IsTransient(e) && stopwatch.Elapsed + RetryBackoff.Delay(attempt - 1) < RetryFor)
            {
                LogRetrying(logger, database, attempt, e.Message);
                await Task.Delay(RetryBackoff.Delay(attempt - 1), cancellationToken);
            }
            catch (Exception e)
            {
                activity?.SetStatus(ActivityStatusCode.Error, e.Message);
                throw;
            }
        }
    }

    /// <summary>
    /// The server unreachable or going away (a retry later succeeds), as opposed to a failing script or migration (a
    /// retry fails the same way). EF Core wraps what its execution strategy gave up on, so the whole chain is looked at.
    /// </summary>
    internal static bool IsTransient(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is NpgsqlException { IsTransient: true } or SocketException or TimeoutException or IOException)
            {
                return true;
            }
        }
        return false;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "No superuser connection (ConnectionStrings:postgres): the database roles are not provisioned, the migrations run as the connection strings' users")]
    private static partial void LogNoProvisioning(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Database} is migrated ({Elapsed} ms)")]
    private static partial void LogMigrated(ILogger logger, string database, long elapsed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Database} is not reachable for its migration (attempt {Attempt}): {Reason}; retrying")]
    private static partial void LogRetrying(ILogger logger, string database, int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Critical, Message = "A database could not be migrated: the services that wait for the migrations will not start")]
    private static partial void LogFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stopped before every database was migrated")]
    private static partial void LogStopped(ILogger logger);
}
