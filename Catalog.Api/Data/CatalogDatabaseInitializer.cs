using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Shop.Catalog.Api.Data.Seed;
using Shop.Catalog.Api.Messaging;

namespace Shop.Catalog.Api.Data;

/// <summary>
/// Brings catalogdb up to date before the service takes requests: applies pending migrations, then seeds.
/// Safe when several replicas start at once. EF Core's own migration lock is not enough here: the Npgsql provider's
/// lock is <c>LOCK TABLE "__EFMigrationsHistory"</c>, released when each migration's transaction commits, and EF reads
/// the applied migrations only once. With two pending migrations, replica A applies the first and releases the lock,
/// replica B applies the second, and A then applies the second again ("column already exists"). So the whole
/// migration runs under a session-level advisory lock of ours on one open connection, and the replica that waited
/// finds nothing left to apply. The seeder takes an advisory lock of its own. The Catalog.Tests migration test starts
/// two processes against one fresh database to prove it.
/// </summary>
public static partial class CatalogDatabaseInitializer
{
    // Any fixed number: advisory locks are per database, and only catalog-api migrates catalogdb.
    private const long MigrationLockKey = 0x5348_4F50_4341_54; // "SHOPCAT"

    public static async Task InitializeCatalogDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(CatalogDatabaseInitializer).FullName!);
        var stopwatch = Stopwatch.StartNew();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();

        await MigrateUnderLockAsync(db, cancellationToken).ConfigureAwait(false);
        LogMigrated(logger, db.Database.GetMigrations().LastOrDefault() ?? "(none)", stopwatch.ElapsedMilliseconds);

        var announced = await scope.ServiceProvider.GetRequiredService<CatalogSeeder>().SeedAsync(cancellationToken).ConfigureAwait(false);
        if (announced)
        {
            services.GetRequiredService<OutboxSignal>().Notify();
        }
        LogReady(logger, stopwatch.ElapsedMilliseconds);
    }

    private static async Task MigrateUnderLockAsync(CatalogDbContext db, CancellationToken cancellationToken)
    {
        // EF keeps a connection it did not open itself open, so the lock, the migrations and the unlock share one session.
        await db.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock({MigrationLockKey})", cancellationToken).ConfigureAwait(false);
            try
            {
                await db.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({MigrationLockKey})", CancellationToken.None).ConfigureAwait(false);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync().ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "catalogdb schema is at migration {Migration} ({Elapsed} ms).")]
    private static partial void LogMigrated(ILogger logger, string migration, long elapsed);

    [LoggerMessage(Level = LogLevel.Information, Message = "catalogdb ready (migrated and seeded) after {Elapsed} ms.")]
    private static partial void LogReady(ILogger logger, long elapsed);
}
