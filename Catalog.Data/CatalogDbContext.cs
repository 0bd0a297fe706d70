using Microsoft.EntityFrameworkCore;

namespace Shop.Catalog.Data;

/// <summary>
/// The catalog database (resource <c>catalogdb</c>): categories, items, flash-sale definitions, the outbox of
/// integration events (the users moved to identitydb). The schema is managed by the migrations in
/// <c>Migrations/</c>, applied by the migrations resource (DatabaseMigrations) through <see cref="CatalogDatabaseInitializer"/>.
/// </summary>
public sealed class CatalogDbContext(DbContextOptions<CatalogDbContext> options) : DbContext(options)
{
    public DbSet<CatalogCategory> Categories => Set<CatalogCategory>();

    public DbSet<CatalogItem> Items => Set<CatalogItem>();

    public DbSet<FlashSale> FlashSales => Set<FlashSale>();

    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        // Name search (ILIKE '%…%') uses a trigram index; the no-overlap rule of flash sales an exclusion
        // constraint over (item, window), which needs btree_gist for the item's equality.
        modelBuilder.HasPostgresExtension("pg_trgm");
        modelBuilder.HasPostgresExtension("btree_gist");
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(CatalogDbContext).Assembly);
        SnakeCaseNames.Apply(modelBuilder);
    }
}
