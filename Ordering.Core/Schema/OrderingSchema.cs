using System.Reflection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Shop.Ordering.Core.Schema;

/// <summary>
/// Applies the numbered SQL scripts in Schema/ that the database has not seen, each in its own transaction,
/// under a Postgres advisory lock so that replicas starting together apply each script once.
/// </summary>
public static partial class OrderingSchema
{
    // Any fixed number: the lock is per database, and only the ordering services take this one.
    private const long MigrationLockId = 0x5350_4F52_4445_52; // "SHOPORDER"

    public static async Task MigrateAsync(NpgsqlDataSource dataSource, ILogger logger, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, null, $"SELECT pg_advisory_lock({MigrationLockId})", cancellationToken).ConfigureAwait(false);
        try
        {
            await ExecuteAsync(connection, null,
                "CREATE TABLE IF NOT EXISTS schema_migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
                cancellationToken).ConfigureAwait(false);
            foreach (var (id, sql) in Scripts())
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using var seen = new NpgsqlCommand("SELECT 1 FROM schema_migrations WHERE id = @id", connection, transaction);
                seen.Parameters.AddWithValue("id", id);
                if (await seen.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null)
                {
                    continue;
                }
                await ExecuteAsync(connection, transaction, sql, cancellationToken).ConfigureAwait(false);
                await using var record = new NpgsqlCommand("INSERT INTO schema_migrations (id) VALUES (@id)", connection, transaction);
                record.Parameters.AddWithValue("id", id);
                await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                LogApplied(logger, id);
            }
        }
        finally
        {
            await ExecuteAsync(connection, null, $"SELECT pg_advisory_unlock({MigrationLockId})", CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>The embedded scripts, ordered by their number.</summary>
    private static IEnumerable<(string Id, string Sql)> Scripts()
    {
        var assembly = typeof(OrderingSchema).Assembly;
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.EndsWith(".sql", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            // Resource names are "Shop.Ordering.Core.Schema.0001_initial.sql": the id is the file name.
            var id = name["Shop.Ordering.Core.Schema.".Length..^".sql".Length];
            yield return (id, reader.ReadToEnd());
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied orderingdb migration {Id}")]
    private static partial void LogApplied(ILogger logger, string id);
}
