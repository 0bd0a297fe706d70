using System.Diagnostics;
using Npgsql;
using Shop.Hosting.ApplicationModel;

namespace Shop.Catalog.Tests;

/// <summary>
/// Several replicas starting at once against a fresh database: two real Catalog.Api processes migrate and seed
/// catalogdb concurrently (Catalog:Database:MigrateAndExit, the same code path as a normal start), and the schema
/// and the seed data end up there exactly once; running again changes nothing.
/// </summary>
[Collection(CatalogCollection.Name)]
public sealed class MigrationTests(CatalogAppFixture fixture)
{
    private async Task<(int ExitCode, string Output)> RunMigrationAsync(string connectionString)
    {
        var project = (ProjectResource)fixture.App.GetResources().Get("catalog-api").Resource;
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(project.Metadata.ProjectPath)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["exec", project.Metadata.AssemblyPath, "--Catalog:Database:MigrateAndExit=true"])
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["ConnectionStrings__catalogdb"] = connectionString;
        start.Environment["ConnectionStrings__cache"] = await fixture.App.GetConnectionStringAsync("cache");
        start.Environment["ConnectionStrings__messaging"] = await fixture.App.GetConnectionStringAsync("messaging");
        start.Environment["Identity__SigningKey"] = "a-test-key-that-signs-nothing-here";
        start.Environment["DOTNET_ENVIRONMENT"] = "Development";

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (process.ExitCode, await stdout + await stderr);
    }

    [Fact]
    public async Task Two_replicas_migrating_a_fresh_database_at_once_both_succeed_and_seed_once()
    {
        var server = new NpgsqlConnectionStringBuilder(await fixture.App.GetConnectionStringAsync("catalogdb"));
        var database = "catalog_migration_" + Guid.NewGuid().ToString("N")[..10];
        var admin = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = "postgres", Pooling = false };
        await using (var connection = new NpgsqlConnection(admin.ConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {database}", connection);
            await create.ExecuteNonQueryAsync();
        }
        var target = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = database, Pooling = false }.ConnectionString;

        try
        {
            var runs = await Task.WhenAll(RunMigrationAsync(target), RunMigrationAsync(target));
            Assert.All(runs, run => Assert.True(run.ExitCode == 0, run.Output));
            var expected = await CountsAsync(target);
            Assert.Equal(1, expected["migrations"]);
            Assert.Equal(8, expected["categories"]);
            Assert.Equal(120, expected["items"]);
            Assert.Equal(6, expected["users"]);
            Assert.Equal(2, expected["sales"]);
            Assert.Equal(2, expected["outbox"]);
            Assert.Equal(1, expected["no-overlap constraint"]);
            Assert.Equal(8, expected["categories with items"]);
            Assert.Equal(120, expected["distinct names"]);
            Assert.Equal(0, expected["items without a real description, price or stock"]);
            Assert.Equal(1, expected["admins"]);
            Assert.Equal(1, expected["live sales"]);

            var again = await RunMigrationAsync(target);
            Assert.True(again.ExitCode == 0, again.Output);
            Assert.Equal(expected, await CountsAsync(target));
        }
        finally
        {
            await using var connection = new NpgsqlConnection(admin.ConnectionString);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {database} WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }

    private static async Task<Dictionary<string, long>> CountsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var counts = new Dictionary<string, long>();
        foreach (var (name, sql) in new[]
        {
            ("migrations", "SELECT count(*) FROM \"__EFMigrationsHistory\""),
            ("categories", "SELECT count(*) FROM catalog_categories"),
            ("items", "SELECT count(*) FROM catalog_items"),
            ("users", "SELECT count(*) FROM users"),
            ("sales", "SELECT count(*) FROM flash_sales"),
            ("outbox", "SELECT count(*) FROM outbox_messages"),
            ("no-overlap constraint", "SELECT count(*) FROM pg_constraint WHERE conname = 'ex_flash_sales_no_overlap'"),
            ("categories with items", "SELECT count(DISTINCT category_id) FROM catalog_items"),
            ("distinct names", "SELECT count(DISTINCT name) FROM catalog_items"),
            ("items without a real description, price or stock", "SELECT count(*) FROM catalog_items WHERE length(description) < 40 OR price <= 0 OR available_stock < 0"),
            ("admins", "SELECT count(*) FROM users WHERE 'admin' = ANY(roles)"),
            ("live sales", "SELECT count(*) FROM flash_sales WHERE state = 'Scheduled' AND starts_at <= now() AND ends_at > now()"),
        })
        {
            await using var command = new NpgsqlCommand(sql, connection);
            counts[name] = (long)(await command.ExecuteScalarAsync())!;
        }
        return counts;
    }
}
