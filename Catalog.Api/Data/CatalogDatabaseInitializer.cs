using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Shop.Catalog.Api.Data.Seed;
using Shop.Catalog.Api.Messaging;

namespace Shop.Catalog.Api.Data;

/// <summary>
/// Brings catalogdb up to date before the service takes requests: applies pending migrations, then seeds.
/// Safe when several replicas start at once: EF Core (9+) migrates under a database-wide lock and reads the history
/// again under it (the Npgsql provider creates the history table if missing and takes <c>LOCK TABLE
/// "__EFMigrationsHistory" IN ACCESS EXCLUSIVE MODE</c> in the migration transaction), so the second replica waits and
/// then finds nothing to apply; the seeder takes an advisory lock of its own. The Catalog.Tests migration test starts
/// two processes against one fresh database to prove it.
/// </summary>
public static partial class CatalogDatabaseInitializer
{
    public static async Task InitializeCatalogDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(CatalogDatabaseInitializer).FullName!);
        var stopwatch = Stopwatch.StartNew();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();

        await db.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
        LogMigrated(logger, db.Database.GetMigrations().LastOrDefault() ?? "(none)", stopwatch.ElapsedMilliseconds);

        var announced = await scope.ServiceProvider.GetRequiredService<CatalogSeeder>().SeedAsync(cancellationToken).ConfigureAwait(false);
        if (announced)
        {
            services.GetRequiredService<OutboxSignal>().Notify();
        }
        LogReady(logger, stopwatch.ElapsedMilliseconds);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "catalogdb schema is at migration {Migration} ({Elapsed} ms).")]
    private static partial void LogMigrated(ILogger logger, string migration, long elapsed);

    [LoggerMessage(Level = LogLevel.Information, Message = "catalogdb ready (migrated and seeded) after {Elapsed} ms.")]
    private static partial void LogReady(ILogger logger, long elapsed);
}
