using System.Diagnostics;
using Npgsql;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace Shop.Catalog.Tests;

/// <summary>
/// Several replicas starting at once against a fresh database: two real Catalog.Api processes migrate and seed
/// catalogdb concurrently (Catalog:Database:MigrateAndExit, the same code path as a normal start), and the schema
/// and the seed data end up there exactly once, every item announced once; running again changes nothing.
/// </summary>
[Collection(CatalogCollection.Name)]
public sealed class MigrationTests(CatalogAppFixture fixture)
{
    private async Task<(int ExitCode, string Output)> RunMigrationAsync(string connectionString)
    {
        var (projectDirectory, assemblyPath) = CatalogApiAssembly();
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = projectDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["exec", assemblyPath, "--Catalog:Database:MigrateAndExit=true"])
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["ConnectionStrings__catalogdb"] = connectionString;
        start.Environment["ConnectionStrings__cache"] = await fixture.ConnectionStringAsync("cache");
        start.Environment["ConnectionStrings__messaging"] = await fixture.ConnectionStringAsync("messaging");
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

    /// <summary>
    /// catalog-api's project folder (from the app model, as Aspire runs it) and the dll its build put there
    /// (bin/&lt;configuration&gt;/&lt;tfm&gt;/Catalog.Api.dll; the one Aspire's "dotnet run" uses, built with the tests).
    /// </summary>
    private (string ProjectDirectory, string AssemblyPath) CatalogApiAssembly()
    {
        var project = fixture.App.Services.GetRequiredService<DistributedApplicationModel>().Resources
            .OfType<ProjectResource>().Single(r => r.Name == "catalog-api");
        var projectPath = project.GetProjectMetadata().ProjectPath;
        var directory = Path.GetDirectoryName(projectPath)!;
        var assemblyName = Path.GetFileNameWithoutExtension(projectPath) + ".dll";
        // The tests' own output path: .../bin/<configuration>/<tfm>/.
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var preferred = Path.Combine(directory, "bin", testOutput.Parent!.Name, testOutput.Name, assemblyName);
        if (File.Exists(preferred))
        {
            return (directory, preferred);
        }
        var built = Directory.Exists(Path.Combine(directory, "bin"))
            ? Directory.GetFiles(Path.Combine(directory, "bin"), assemblyName, SearchOption.AllDirectories)
                .Where(f => File.Exists(Path.ChangeExtension(f, ".runtimeconfig.json")))
                .OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault()
            : null;
        return (directory, built ?? throw new FileNotFoundException($"catalog-api is not built: no {preferred}"));
    }

    [Fact]
    public async Task Two_replicas_migrating_a_fresh_database_at_once_both_succeed_and_seed_once()
    {
        var server = new NpgsqlConnectionStringBuilder(await fixture.ConnectionStringAsync("catalogdb"));
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
            Assert.Equal(3, expected["migrations"]); // InitialCatalog, ItemVersions, OutboxTraceParent
            Assert.Equal(8, expected["categories"]);
            Assert.Equal(120, expected["items"]);
            Assert.Equal(6, expected["users"]);
            Assert.Equal(2, expected["sales"]);
            Assert.Equal(122, expected["outbox"]); // the two sales and the 120 items, each announced once
            Assert.Equal(120, expected["item announcements"]);
            Assert.Equal(120, expected["items announced at version 1"]);
            Assert.Equal(1, expected["no-overlap constraint"]);
            Assert.Equal(8, expected["categories with items"]);
            Assert.Equal(120, expected["distinct names"]);
            Assert.Equal(0, expected["items without a real description, price or stock"]);
            Assert.Equal(1, expected["admins"]);
            Assert.Equal(1, expected["live sales"]);

            var again = await RunMigrationAsync(target);
            Assert.True(again.ExitCode == 0, again.Output);
            Assert.Equal(expected, await CountsAsync(target));

            // A database from before announcements: the ItemVersions migration gave its items version 0 and there was
            // no announcement of them. The next start announces each of those once, at version 1, and nothing else.
            await ExecuteAsync(target, """
                DELETE FROM outbox_messages WHERE type = 'CatalogItemChanged' AND (payload::jsonb ->> 'itemId')::int <= 5;
                UPDATE catalog_items SET version = 0, stock_version = 0 WHERE id <= 5;
                """);
            var upgraded = await RunMigrationAsync(target);
            Assert.True(upgraded.ExitCode == 0, upgraded.Output);
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

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
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
            ("item announcements", """
                SELECT count(DISTINCT (payload::jsonb ->> 'itemId')::int) FROM outbox_messages
                WHERE type = 'CatalogItemChanged' AND (payload::jsonb ->> 'version')::bigint = 1 AND (payload::jsonb ->> 'stockVersion')::bigint = 1
                """),
            ("items announced at version 1", "SELECT count(*) FROM catalog_items WHERE version = 1 AND stock_version = 1"),
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
