using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
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

    /// <summary>
    /// Migration 0007 renames the ledger (flash_sales → stocks, sale_id → stock_id, sale_price → unit_price) in place:
    /// a database migrated up to 0006 and holding a stock, an order and a release keeps every row under the new names.
    /// It runs in a database of its own on the fixture's Postgres, so the shared orderingdb is not disturbed.
    /// </summary>
    [Fact]
    public async Task A_ledger_under_the_old_names_keeps_its_rows_under_the_new_ones()
    {
        var shared = new NpgsqlConnectionStringBuilder(await Shop.OrderingDbConnectionStringAsync());
        var name = $"ordering_upgrade_{Guid.NewGuid():N}";
        await using (var admin = NpgsqlDataSource.Create(shared.ConnectionString))
        await using (var create = admin.CreateCommand($"CREATE DATABASE {name}"))
        {
            await create.ExecuteNonQueryAsync();
        }
        try
        {
            await using var db = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(shared.ConnectionString) { Database = name, Pooling = false }.ConnectionString);
            await ExecuteAsync(db, "CREATE TABLE schema_migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())");
            var assembly = typeof(OrderingSchema).Assembly;
            var before = assembly.GetManifestResourceNames()
                .Where(n => n.EndsWith(".sql", StringComparison.Ordinal) && string.CompareOrdinal(n, "Shop.Ordering.Core.Schema.0007") < 0)
                .Order(StringComparer.Ordinal).ToList();
            Assert.Equal(5, before.Count); // 0001, 0003, 0004, 0005, 0006 (0002 is gone, see above)
            foreach (var resource in before)
            {
                using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
                await ExecuteAsync(db, await reader.ReadToEndAsync());
                await ExecuteAsync(db, $"INSERT INTO schema_migrations (id) VALUES ('{resource["Shop.Ordering.Core.Schema.".Length..^".sql".Length]}')");
            }
            var stock = Guid.NewGuid();
            var order = Guid.NewGuid();
            await ExecuteAsync(db, $"""
                INSERT INTO flash_sales (sale_id, item_id, item_name, regular_price, sale_price, initial_quantity, per_buyer_limit, starts_at, ends_at, status, version, remaining)
                VALUES ('{stock}', 7, 'Lamp', 20.00, 12.50, 10, 2, now(), now() + interval '1 hour', 'Scheduled', 3, 8);
                INSERT INTO orders (order_id, sale_id, buyer_id, quantity, unit_price, idempotency_key, status, reserved_at, expires_at)
                VALUES ('{order}', '{stock}', 'upgrade-buyer', 2, 12.50, 'k1', 'Cancelled', now(), now() + interval '10 minutes');
                INSERT INTO stock_releases (order_id, sale_id, buyer_id, quantity) VALUES ('{order}', '{stock}', 'upgrade-buyer', 2);
                """);

            await OrderingSchema.MigrateAsync(db, NullLogger.Instance, CancellationToken.None);

            Assert.Equal("Lamp|12.50|8|FlashSale", await ScalarAsync<string>(db,
                $"SELECT concat_ws('|', item_name, unit_price, remaining, kind) FROM stocks WHERE stock_id = '{stock}'"));
            Assert.Equal(1L, await ScalarAsync<long>(db, $"SELECT count(*) FROM orders WHERE stock_id = '{stock}' AND order_id = '{order}'"));
            Assert.Equal(1L, await ScalarAsync<long>(db, $"SELECT count(*) FROM stock_releases WHERE stock_id = '{stock}'"));
            // Nothing answers under the old names: no table, view or column called so.
            Assert.Equal(0L, await ScalarAsync<long>(db,
                "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public' AND (table_name = 'flash_sales' OR column_name IN ('sale_id', 'sale_price'))"));
            // The foreign key still holds under its new name: an order for a stock that does not exist is refused.
            await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(db, $"""
                INSERT INTO orders (order_id, stock_id, buyer_id, quantity, unit_price, idempotency_key, status, reserved_at, expires_at)
                VALUES ('{Guid.NewGuid()}', '{Guid.NewGuid()}', 'b', 1, 1, 'k2', 'Confirmed', now(), now())
                """));
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = NpgsqlDataSource.Create(shared.ConnectionString);
            await using var drop = admin.CreateCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
            await drop.ExecuteNonQueryAsync();
        }
    }

    private static async Task ExecuteAsync(NpgsqlDataSource db, string sql)
    {
        await using var command = db.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource db, string sql)
    {
        await using var command = db.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
