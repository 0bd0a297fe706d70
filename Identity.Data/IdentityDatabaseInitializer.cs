using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Shop.Identity.Data.Seed;

namespace Shop.Identity.Data;

/// <summary>
/// Brings identitydb up to date: its migrations, then the accounts and clients (<see cref="IdentitySeeder"/>), all
/// under one session-level advisory lock, so two runs at once (two AppHosts on one server) apply and seed once
/// (the reason a lock of ours is needed around EF's migrations: Catalog.Data's CatalogDatabaseInitializer).
/// </summary>
public static partial class IdentityDatabaseInitializer
{
    // Any fixed number: advisory locks are per database, and only the migrations resource migrates identitydb.
    private const long MigrationLockKey = 0x5348_4F50_4944_4E; // "SHOPIDN"

    /// <summary>What <see cref="InitializeAsync"/> needs beside the <see cref="ShopIdentityDbContext"/>.</summary>
    public static IServiceCollection AddIdentitySeeding(this IServiceCollection services)
    {
        services.AddOptions<IdentitySeedOptions>().BindConfiguration(IdentitySeedOptions.SectionName);
        services.TryAddSingleton(TimeProvider.System);
        services.AddShopIdentityStores();
        services.AddScoped<IdentitySeeder>();
        return services;
    }

    /// <param name="imported">Accounts from before identity-api (<see cref="IdentitySeeder.SeedAsync"/>).</param>
    public static async Task InitializeAsync(IServiceProvider services, IReadOnlyList<ImportedUser> imported, ILogger logger, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ShopIdentityDbContext>();
        // EF keeps a connection it did not open itself open, so the lock, the migrations, the seeding and the unlock share one session.
        await db.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock({MigrationLockKey})", cancellationToken).ConfigureAwait(false);
            try
            {
                await db.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
                await scope.ServiceProvider.GetRequiredService<IdentitySeeder>().SeedAsync(imported, cancellationToken).ConfigureAwait(false);
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
        LogReady(logger, stopwatch.ElapsedMilliseconds);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "identitydb ready (migrated, accounts and clients seeded) after {Elapsed} ms.")]
    private static partial void LogReady(ILogger logger, long elapsed);
}
