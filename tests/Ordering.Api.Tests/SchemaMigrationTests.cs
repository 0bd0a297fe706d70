using Microsoft.Extensions.Logging.Abstractions;
using Shop.Ordering.Core.Schema;

namespace Shop.Ordering.Api.Tests;

/// <summary>orderingdb's migrations (Ordering.Core/Schema) on a database that has a history.</summary>
[Collection(PipelineCollection.Name)]
public sealed class SchemaMigrationTests(PipelineFixture fixture)
{
    private ShopTestClient Shop => fixture.Shop;

    /// <summary>
    /// Migration 0002 once created the benchmark's comparison tables in every orderingdb; its file is gone (the bench's
    /// own service keeps them in baselinedb). A database that ran it still records it: the runner does not ask for the
    /// file, and migration 0006 drops the tables it left.
    /// </summary>
    [Fact]
    public async Task A_database_that_ran_the_removed_migration_loses_its_tables_and_keeps_its_history()
    {
        var db = await Shop.OrderingDbAsync();
        await using (var history = db.CreateCommand("""
            CREATE TABLE baseline_sales (sale_id uuid PRIMARY KEY, remaining integer NOT NULL);
            CREATE TABLE baseline_orders (order_id uuid PRIMARY KEY, sale_id uuid NOT NULL REFERENCES baseline_sales (sale_id));
            INSERT INTO schema_migrations (id) VALUES ('0002_baseline') ON CONFLICT DO NOTHING;
            DELETE FROM schema_migrations WHERE id = '0006_drop_benchmark_tables';
            """))
        {
            await history.ExecuteNonQueryAsync();
        }

        await OrderingSchema.MigrateAsync(db, NullLogger.Instance, CancellationToken.None);

        Assert.Equal(0, await Shop.ScalarAsync("SELECT count(*) FROM pg_tables WHERE tablename IN ('baseline_sales', 'baseline_orders')"));
        Assert.Equal(1, await Shop.ScalarAsync("SELECT count(*) FROM schema_migrations WHERE id = '0006_drop_benchmark_tables'"));
        Assert.Equal(1, await Shop.ScalarAsync("SELECT count(*) FROM schema_migrations WHERE id = '0002_baseline'"));
        // A second run has nothing left to do.
        await OrderingSchema.MigrateAsync(db, NullLogger.Instance, CancellationToken.None);
        Assert.Equal(1, await Shop.ScalarAsync("SELECT count(*) FROM schema_migrations WHERE id = '0006_drop_benchmark_tables'"));
    }
}
