using Npgsql;

namespace Shop.Baseline.Api;

/// <summary>
/// Creates the baseline's tables (Schema/baseline.sql) in baselinedb if they are missing, once per start, under a
/// transaction-scoped advisory lock so that replicas starting together do not race on the same CREATE TABLE.
/// One script, no migration history: the database belongs to the benchmark's run and starts empty.
/// </summary>
public static partial class BaselineSchema
{
    // Any fixed number: the lock is per database, and only Baseline.Api takes this one.
    private const long SchemaLockId = 0x4241_5345_4C49_4E45; // "BASELINE"

    public static async Task CreateAsync(NpgsqlDataSource dataSource, ILogger logger, CancellationToken cancellationToken)
    {
        string sql;
        await using (var stream = typeof(BaselineSchema).Assembly.GetManifestResourceStream("baseline.sql")
            ?? throw new InvalidOperationException("The embedded resource baseline.sql is missing."))
        using (var reader = new StreamReader(stream))
        {
            sql = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        }
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var locking = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({SchemaLockId})", connection, transaction))
        {
            await locking.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await using (var create = new NpgsqlCommand(sql, connection, transaction))
        {
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        LogReady(logger);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The baseline's tables are in place in baselinedb")]
    private static partial void LogReady(ILogger logger);
}
