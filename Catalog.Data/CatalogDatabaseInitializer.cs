using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Shop.Catalog.Data.Seed;

namespace Shop.Catalog.Data;

/// <summary>
/// Brings catalogdb up to date: applies pending migrations, then seeds. The migrations resource runs it once per
/// start of the app, before catalog-api starts (docs/catalog.md, "Data and migrations"). It stays safe when two
/// run at once (two AppHosts on one database, the Catalog.Tests migration test). EF Core's own migration lock is not
/// enough for that: the Npgsql provider's lock is <c>LOCK TABLE "__EFMigrationsHistory"</c>, released when each
/// migration's transaction commits, and EF reads the applied migrations only once. With two pending migrations,
/// process A applies the first and releases the lock, process B applies the second, and A then applies the second
/// again ("column already exists"). So the whole migration runs under a session-level advisory lock of ours on one
/// open connection, and the process that waited finds nothing left to apply. The seeder takes an advisory lock of its own.
/// </summary>
public static partial class CatalogDatabaseInitializer
{
    // Any fixed number: advisory locks are per database, and only the migrations resource migrates catalogdb.
    private const long MigrationLockKey = 0x5348_4F50_4341_54; // "SHOPCAT"

    /// <summary>What <see cref="InitializeAsync"/> needs beside the <see cref="CatalogDbContext"/>: the seeder and its settings (<c>Catalog:Seed</c>).</summary>
    public static IServiceCollection AddCatalogSeeding(this IServiceCollection services)
    {
        services.AddOptions<CatalogSeedOptions>().BindConfiguration(CatalogSeedOptions.SectionName);
        services.TryAddSingleton(TimeProvider.System);
        services.AddScoped<CatalogSeeder>();
        return services;
    }

    /// <summary>Migrates and seeds; the seeded announcements wait in the outbox for catalog-api's publisher.</summary>
    public static async Task InitializeAsync(IServiceProvider services, ILogger logger, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();

        await MigrateUnderLockAsync(db, cancellationToken).ConfigureAwait(false);
        LogMigrated(logger, db.Database.GetMigrations().LastOrDefault() ?? "(none)", stopwatch.ElapsedMilliseconds);

        await scope.ServiceProvider.GetRequiredService<CatalogSeeder>().SeedAsync(cancellationToken).ConfigureAwait(false);
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
