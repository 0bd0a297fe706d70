using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Npgsql;

namespace Shop.IntegrationTests;

/// <summary>
/// Least privilege on Postgres (#22; docs/architecture.md, "Database roles"), on the running app: each service's
/// database role, with the connection string the AppHost gave that service, reads and writes its own tables and
/// nothing else: not another service's database, not the schema. The migrations' role owns every table and is no
/// superuser. Nothing here changes a row: a write is tried as <c>INSERT … SELECT … WHERE false</c>,
/// <c>UPDATE … WHERE false</c> or <c>DELETE … WHERE false</c>, which Postgres checks for privileges like any write.
/// </summary>
[Collection(ShopAppCollection.Name)]
public sealed class DatabaseRoleTests(ShopAppFixture fixture)
{
    /// <summary>A table of each database, and the role of each service.</summary>
    private static readonly Dictionary<string, string> TableOf = new()
    {
        ["catalogdb"] = "catalog_items",
        ["orderingdb"] = "orders",
        ["identitydb"] = "\"AspNetUsers\"",
    };

    private static readonly (string Service, string Database)[] ServiceRoles =
        [("catalog-api", "catalogdb"), ("identity-api", "identitydb"), ("ordering-api", "orderingdb"), ("ordering-worker", "orderingdb")];

    [Fact]
    public async Task Each_services_database_role_cannot_write_another_services_tables()
    {
        foreach (var (service, database) in ServiceRoles)
        {
            var own = RoleConnection(service, database);
            Assert.Equal(service.Replace('-', '_'), own.Username);

            // Its own tables: read and write (ordering-api deletes nothing, so it may not).
            await ExecuteAsync(own, $"SELECT count(*) FROM {TableOf[database]}");
            await ExecuteAsync(own, $"INSERT INTO {TableOf[database]} SELECT * FROM {TableOf[database]} WHERE false");
            await ExecuteAsync(own, $"UPDATE {TableOf[database]} SET {FirstColumn(database)} = {FirstColumn(database)} WHERE false");
            if (service == "ordering-api")
            {
                Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, await RefusedAsync(own, "DELETE FROM orders WHERE false"));
            }
            else
            {
                await ExecuteAsync(own, $"DELETE FROM {TableOf[database]} WHERE false");
            }

            // Another service's database: not even a connection (CONNECT is revoked from PUBLIC and granted to its own roles).
            foreach (var other in TableOf.Keys.Where(d => d != database))
            {
                var elsewhere = new NpgsqlConnectionStringBuilder(own.ConnectionString) { Database = other };
                Assert.Equal(PostgresErrorCodes.InsufficientPrivilege,
                    await RefusedAsync(elsewhere, $"UPDATE {TableOf[other]} SET {FirstColumn(other)} = {FirstColumn(other)} WHERE false"));
            }
        }
    }

    [Fact]
    public async Task A_services_database_role_cannot_change_the_schema_nor_make_tables_of_its_own()
    {
        foreach (var (service, database) in ServiceRoles)
        {
            var own = RoleConnection(service, database);
            foreach (var ddl in (string[])[
                "CREATE TABLE role_test (id int)",
                "CREATE TEMPORARY TABLE role_test (id int)",
                $"DROP TABLE {TableOf[database]}",
                $"ALTER TABLE {TableOf[database]} ADD COLUMN role_test int",
                $"TRUNCATE {TableOf[database]}",
                "CREATE SCHEMA role_test"])
            {
                var refused = await RefusedAsync(own, ddl);
                // Not the owner (42501) for a table's DDL; no CREATE on the schema or database (42501) for a new one.
                Assert.True(refused == PostgresErrorCodes.InsufficientPrivilege, $"{service}: {ddl} → {refused}");
            }
        }
    }

    [Fact]
    public async Task The_migrations_role_owns_every_table_and_is_no_superuser_and_no_one_else_may_connect()
    {
        var admin = new NpgsqlConnectionStringBuilder(await fixture.App.GetConnectionStringAsync("catalogdb")) { Pooling = false };
        foreach (var database in TableOf.Keys)
        {
            await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(admin.ConnectionString) { Database = database }.ConnectionString);
            await connection.OpenAsync();
            await using var role = new NpgsqlCommand("""
                SELECT rolsuper, rolcreaterole, rolcreatedb, rolbypassrls FROM pg_roles WHERE rolname = 'shop_migrations'
                """, connection);
            await using (var reader = await role.ExecuteReaderAsync())
            {
                Assert.True(await reader.ReadAsync(), "no shop_migrations role");
                Assert.Equal((false, false, false, false), (reader.GetBoolean(0), reader.GetBoolean(1), reader.GetBoolean(2), reader.GetBoolean(3)));
            }
            await using var owners = new NpgsqlCommand("SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'", connection);
            Assert.Equal("shop_migrations", await owners.ExecuteScalarAsync());
            // PUBLIC (grantee 0) has neither CONNECT nor TEMPORARY (a null ACL would mean Postgres's defaults: both).
            await using var publicRights = new NpgsqlCommand("""
                SELECT d.datacl IS NOT NULL AND NOT EXISTS (SELECT 1 FROM aclexplode(d.datacl) a WHERE a.grantee = 0)
                FROM pg_database d WHERE d.datname = current_database()
                """, connection);
            Assert.True((bool)(await publicRights.ExecuteScalarAsync())!, $"PUBLIC keeps rights on {database}");
            // The services' roles are no superusers either, and log in with passwords only the AppHost gave them.
            await using var services = new NpgsqlCommand("""
                SELECT count(*) FROM pg_roles WHERE rolname IN ('catalog_api', 'identity_api', 'ordering_api', 'ordering_worker')
                  AND rolcanlogin AND NOT rolsuper AND NOT rolcreaterole AND NOT rolcreatedb AND NOT rolbypassrls
                """, connection);
            Assert.Equal(4L, await services.ExecuteScalarAsync());
        }
    }

    /// <summary>The connection string the AppHost gave <paramref name="service"/> for <paramref name="database"/>, unpooled.</summary>
    private NpgsqlConnectionStringBuilder RoleConnection(string service, string database) =>
        new(fixture.Shop.Instances(service)[0].Environment[$"ConnectionStrings__{database}"]) { Pooling = false };

    private static string FirstColumn(string database) => database switch
    {
        "catalogdb" => "name",
        "orderingdb" => "status",
        _ => "\"UserName\"",
    };

    private static async Task ExecuteAsync(NpgsqlConnectionStringBuilder connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The SQLSTATE Postgres refused <paramref name="sql"/> with (connecting included); fails if it was allowed.</summary>
    private static async Task<string> RefusedAsync(NpgsqlConnectionStringBuilder connectionString, string sql)
    {
        var refused = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(connectionString, sql));
        return refused.SqlState;
    }
}
