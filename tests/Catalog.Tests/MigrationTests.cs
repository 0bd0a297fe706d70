using System.Diagnostics;
using Npgsql;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace Shop.Catalog.Tests;

/// <summary>
/// The migrations resource (DatabaseMigrations), run twice at once against fresh databases (two AppHosts on one
/// server, or a deployment's job retried while the first still runs): both exit 0, and catalogdb's schema and seed
/// data, identitydb's schema, keys, clients and accounts and orderingdb's scripts end up there exactly once, every item
/// announced once; running again changes nothing; a catalogdb from before identity-api gives its accounts to identitydb.
/// </summary>
[Collection(CatalogCollection.Name)]
public sealed class MigrationTests(CatalogAppFixture fixture)
{
    private async Task<(int ExitCode, string Output)> RunMigrationAsync((string Catalog, string Ordering, string Identity) databases, IReadOnlyDictionary<string, string>? environment = null)
    {
        var (projectDirectory, assemblyPath) = MigrationsAssembly();
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = projectDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["exec", assemblyPath])
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["ConnectionStrings__catalogdb"] = databases.Catalog;
        start.Environment["ConnectionStrings__orderingdb"] = databases.Ordering;
        start.Environment["ConnectionStrings__identitydb"] = databases.Identity;
        start.Environment["DOTNET_ENVIRONMENT"] = "Development";
        start.Environment["Identity__Seed__DemoUsers"] = "true";
        start.Environment["Identity__Seed__StorefrontClientSecret"] = "migration-test-storefront-secret";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

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
    /// The migrations resource's project folder (from the app model, as Aspire runs it) and the dll its build put there
    /// (bin/&lt;configuration&gt;/&lt;tfm&gt;/DatabaseMigrations.dll; the one Aspire's "dotnet run" uses, built with the tests).
    /// </summary>
    private (string ProjectDirectory, string AssemblyPath) MigrationsAssembly()
    {
        var project = fixture.App.Services.GetRequiredService<DistributedApplicationModel>().Resources
            .OfType<ProjectResource>().Single(r => r.Name == "migrations");
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
        return (directory, built ?? throw new FileNotFoundException($"the migrations resource is not built: no {preferred}"));
    }

    [Fact]
    public async Task Two_migration_runs_on_fresh_databases_at_once_both_succeed_and_migrate_and_seed_once()
    {
        var server = new NpgsqlConnectionStringBuilder(await fixture.ConnectionStringAsync("catalogdb"));
        var suffix = Guid.NewGuid().ToString("N")[..10];
        var (catalog, ordering, identity) = ("catalog_migration_" + suffix, "ordering_migration_" + suffix, "identity_migration_" + suffix);
        var admin = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = "postgres", Pooling = false };
        foreach (var database in (string[])[catalog, ordering, identity])
        {
            await ExecuteAsync(admin.ConnectionString, $"CREATE DATABASE {database}");
        }
        var target = (
            Catalog: new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = catalog, Pooling = false }.ConnectionString,
            Ordering: new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = ordering, Pooling = false }.ConnectionString,
            Identity: new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = identity, Pooling = false }.ConnectionString);

        try
        {
            var runs = await Task.WhenAll(RunMigrationAsync(target), RunMigrationAsync(target));
            Assert.All(runs, run => Assert.True(run.ExitCode == 0, run.Output));
            var expected = await CountsAsync(target.Catalog);
            Assert.Equal(4, expected["migrations"]); // InitialCatalog, ItemVersions, OutboxTraceParent, UsersMovedToIdentity
            Assert.Equal(8, expected["categories"]);
            Assert.Equal(120, expected["items"]);
            Assert.Equal(0, expected["users table"]);
            Assert.Equal(2, expected["sales"]);
            Assert.Equal(122, expected["outbox"]); // the two sales and the 120 items, each announced once
            Assert.Equal(120, expected["item announcements"]);
            Assert.Equal(120, expected["items announced at version 1"]);
            Assert.Equal(1, expected["no-overlap constraint"]);
            Assert.Equal(8, expected["categories with items"]);
            Assert.Equal(120, expected["distinct names"]);
            Assert.Equal(0, expected["items without a real description, price or stock"]);
            Assert.Equal(1, expected["live sales"]);
            var accounts = await IdentityCountsAsync(target.Identity);
            Assert.Equal(6, accounts["users"]);
            Assert.Equal(1, accounts["admins"]);
            Assert.Equal(2, accounts["clients"]); // shop-cli, and the storefront (its secret is configured)
            Assert.Equal(2, accounts["issuer keys"]); // the signing key and the refresh tokens' encryption key
            var orderingScripts = await OrderingScriptsAsync(target.Ordering);
            Assert.Equal(["0001_initial", "0003_checkout", "0004_one_write_per_order", "0005_event_outbox", "0006_drop_benchmark_tables", "0007_stock_names"], orderingScripts);

            var again = await RunMigrationAsync(target);
            Assert.True(again.ExitCode == 0, again.Output);
            Assert.Equal(expected, await CountsAsync(target.Catalog));
            Assert.Equal(orderingScripts, await OrderingScriptsAsync(target.Ordering));
            Assert.Equal(accounts, await IdentityCountsAsync(target.Identity));

            // A database from before announcements: the ItemVersions migration gave its items version 0 and there was
            // no announcement of them. The next run announces each of those once, at version 1, and nothing else.
            await ExecuteAsync(target.Catalog, """
                DELETE FROM outbox_messages WHERE type = 'CatalogItemChanged' AND (payload::jsonb ->> 'itemId')::int <= 5;
                UPDATE catalog_items SET version = 0, stock_version = 0 WHERE id <= 5;
                """);
            var upgraded = await RunMigrationAsync(target);
            Assert.True(upgraded.ExitCode == 0, upgraded.Output);
            Assert.Equal(expected, await CountsAsync(target.Catalog));

            // A catalogdb from before identity-api, holding an account of its own (catalog-api signed users in): the
            // next run moves the account into identitydb with its id and password hash, then drops the table.
            var legacyId = Guid.CreateVersion7();
            var legacyHash = new Microsoft.AspNetCore.Identity.PasswordHasher<object>().HashPassword(new object(), "Legacy@pass1");
            await ExecuteAsync(target.Catalog, $"""
                CREATE TABLE users (id uuid PRIMARY KEY, user_name varchar(64) NOT NULL, normalized_user_name varchar(64) NOT NULL,
                    display_name varchar(100) NOT NULL, password_hash varchar(200) NOT NULL, roles text[] NOT NULL, created_at timestamptz NOT NULL);
                INSERT INTO users VALUES ('{legacyId}', 'Greta', 'greta', 'Greta G', '{legacyHash}', ARRAY['shopper'], now());
                DELETE FROM "__EFMigrationsHistory" WHERE "MigrationId" LIKE '%_UsersMovedToIdentity';
                """);
            var moved = await RunMigrationAsync(target);
            Assert.True(moved.ExitCode == 0, moved.Output);
            Assert.Equal(expected, await CountsAsync(target.Catalog));
            await using (var connection = new NpgsqlConnection(target.Identity))
            {
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand("""
                    SELECT u."PasswordHash" FROM "AspNetUsers" u JOIN "AspNetUserRoles" ur ON ur."UserId" = u."Id" JOIN "AspNetRoles" r ON r."Id" = ur."RoleId"
                    WHERE u."Id" = $1 AND u."NormalizedUserName" = 'GRETA' AND r."Name" = 'shopper'
                    """, connection);
                command.Parameters.Add(new NpgsqlParameter { Value = legacyId });
                Assert.Equal(legacyHash, await command.ExecuteScalarAsync());
            }
        }
        finally
        {
            foreach (var database in (string[])[catalog, ordering, identity])
            {
                await ExecuteAsync(admin.ConnectionString, $"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
            }
        }
    }

    /// <summary>
    /// A data folder from before the database roles (#22): its databases were migrated as the superuser, so postgres owns
    /// every table. The migrations, given the superuser's connection as the AppHost gives it, hand every table to
    /// shop_migrations, migrate as it, and each service role reads and writes its own tables and cannot reach another's
    /// database. On this app's server, with this app's role passwords (the roles are the server's: any other password
    /// would lock the running catalog-api out), on databases of the test's own.
    /// </summary>
    [Fact]
    public async Task Databases_migrated_as_the_superuser_are_handed_to_the_migrations_role_and_each_service_role_gets_its_own()
    {
        var server = new NpgsqlConnectionStringBuilder(await fixture.ConnectionStringAsync("catalogdb"));
        var suffix = Guid.NewGuid().ToString("N")[..10];
        var (catalog, ordering, identity) = ("catalog_roles_" + suffix, "ordering_roles_" + suffix, "identity_roles_" + suffix);
        var admin = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = "postgres", Pooling = false };
        foreach (var database in (string[])[catalog, ordering, identity])
        {
            await ExecuteAsync(admin.ConnectionString, $"CREATE DATABASE {database}");
        }
        string As(string database, string user, string password) =>
            new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = database, Username = user, Password = password, Pooling = false }.ConnectionString;
        try
        {
            var before = await RunMigrationAsync((As(catalog, server.Username!, server.Password!), As(ordering, server.Username!, server.Password!), As(identity, server.Username!, server.Password!)));
            Assert.True(before.ExitCode == 0, before.Output);
            Assert.Equal(["postgres"], await TableOwnersAsync(As(catalog, server.Username!, server.Password!)));

            var migrationsPassword = await ParameterAsync("migrations-db-password");
            var roles = new Dictionary<string, (string Service, string Database)>
            {
                ["catalog_api"] = ("catalog-api", "catalogdb"),
                ["identity_api"] = ("identity-api", "identitydb"),
                ["ordering_api"] = ("ordering-api", "orderingdb"),
                ["ordering_worker"] = ("ordering-worker", "orderingdb"),
            };
            var environment = new Dictionary<string, string> { ["ConnectionStrings__postgres"] = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = null }.ConnectionString };
            var passwords = new Dictionary<string, string>();
            foreach (var (role, (service, database)) in roles)
            {
                passwords[role] = await ParameterAsync($"{service}-db-password");
                environment[$"Postgres__Roles__{role}__Database"] = database;
                environment[$"Postgres__Roles__{role}__Password"] = passwords[role];
            }
            var after = await RunMigrationAsync(
                (As(catalog, "shop_migrations", migrationsPassword), As(ordering, "shop_migrations", migrationsPassword), As(identity, "shop_migrations", migrationsPassword)),
                environment);
            Assert.True(after.ExitCode == 0, after.Output);
            foreach (var database in (string[])[catalog, ordering, identity])
            {
                Assert.Equal(["shop_migrations"], await TableOwnersAsync(As(database, server.Username!, server.Password!)));
            }
            await ExecuteAsync(As(catalog, "catalog_api", passwords["catalog_api"]), "UPDATE catalog_items SET name = name WHERE false; DELETE FROM outbox_messages WHERE false");
            await ExecuteAsync(As(ordering, "ordering_worker", passwords["ordering_worker"]), "UPDATE orders SET status = status WHERE false; DELETE FROM outbox_messages WHERE false");
            await ExecuteAsync(As(identity, "identity_api", passwords["identity_api"]), "UPDATE \"AspNetUsers\" SET \"UserName\" = \"UserName\" WHERE false");
            var refused = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(As(ordering, "catalog_api", passwords["catalog_api"]), "SELECT 1"));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
            refused = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(As(catalog, "catalog_api", passwords["catalog_api"]), "DROP TABLE catalog_items"));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        }
        finally
        {
            foreach (var database in (string[])[catalog, ordering, identity])
            {
                await ExecuteAsync(admin.ConnectionString, $"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
            }
        }
    }

    private async Task<string> ParameterAsync(string name) =>
        await fixture.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<ParameterResource>().Single(p => p.Name == name)
            .GetValueAsync(CancellationToken.None) ?? throw new InvalidOperationException($"{name} has no value");

    private static async Task<List<string>> TableOwnersAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public' ORDER BY 1", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var owners = new List<string>();
        while (await reader.ReadAsync())
        {
            owners.Add(reader.GetString(0));
        }
        return owners;
    }

    [Fact]
    public async Task A_database_that_cannot_be_migrated_ends_the_run_with_a_non_zero_exit_code()
    {
        // A database that does not exist: not an outage to wait out, so the run fails at once and, in the app, the
        // services that wait for the migrations never start on it.
        var server = new NpgsqlConnectionStringBuilder(await fixture.ConnectionStringAsync("catalogdb"));
        var missing = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = "no_such_db_" + Guid.NewGuid().ToString("N")[..10], Pooling = false }.ConnectionString;

        var run = await RunMigrationAsync((missing, missing, missing));

        Assert.True(run.ExitCode != 0, run.Output);
        Assert.Contains("could not be migrated", run.Output, StringComparison.Ordinal);
    }

    private static async Task<Dictionary<string, long>> IdentityCountsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var counts = new Dictionary<string, long>();
        foreach (var (name, sql) in new[]
        {
            ("users", "SELECT count(*) FROM \"AspNetUsers\""),
            ("admins", "SELECT count(*) FROM \"AspNetUserRoles\" ur JOIN \"AspNetRoles\" r ON r.\"Id\" = ur.\"RoleId\" WHERE r.\"Name\" = 'admin'"),
            ("clients", "SELECT count(*) FROM \"OpenIddictApplications\""),
            ("issuer keys", "SELECT count(*) FROM issuer_keys"),
        })
        {
            await using var command = new NpgsqlCommand(sql, connection);
            counts[name] = (long)(await command.ExecuteScalarAsync())!;
        }
        return counts;
    }

    private static async Task<List<string>> OrderingScriptsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT id FROM schema_migrations ORDER BY id", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<string>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetString(0));
        }
        return ids;
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
            ("users table", "SELECT count(*) FROM pg_tables WHERE tablename = 'users'"),
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
            ("live sales", "SELECT count(*) FROM flash_sales WHERE state = 'Scheduled' AND starts_at <= now() AND ends_at > now()"),
        })
        {
            await using var command = new NpgsqlCommand(sql, connection);
            counts[name] = (long)(await command.ExecuteScalarAsync())!;
        }
        return counts;
    }
}
