using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Shop.DatabaseMigrations;

/// <summary>
/// Creates Shop's Postgres roles and gives each exactly its rights (#22, least privilege; docs/architecture.md,
/// "Database roles"), before any migration runs. The one step of Shop that connects as the server's superuser
/// (<c>ConnectionStrings:postgres</c>): roles are the cluster's, and only a superuser may create them, hand the
/// tables of an older data folder (owned by <c>postgres</c>) to the migrations' role, and grant on them.
/// <list type="bullet">
/// <item>The <b>owner role</b> of each database, the user of its <c>ConnectionStrings:{database}</c>
/// (<c>shop_migrations</c>): the migrations connect as it and it owns every table, sequence, view, function and type
/// of the database's <c>public</c> schema, so it runs the DDL; it may connect and create in the database (the catalog's
/// model creates the trusted extensions <c>pg_trgm</c> and <c>btree_gist</c>), and is no superuser.</item>
/// <item>A <b>service role</b> per service (<c>Postgres:Roles:{role}:Database</c> and <c>…:Password</c>, the AppHost's
/// <c>WithDatabaseRole</c>): it may connect to its one database and read and write the rows of its tables with the
/// statements in <see cref="TableRights"/>, and use their sequences; it may not change the schema (no table of its
/// own, no ALTER, DROP or TRUNCATE), use another service's database, or create temporary tables.</item>
/// <item><c>PUBLIC</c> (every role) loses CONNECT, TEMPORARY and CREATE on Shop's databases and CREATE on their
/// <c>public</c> schema, which Postgres gives it by default.</item>
/// </list>
/// Idempotent, and exact on every run: a role missing is created; every role's password is set to the current
/// parameter's; each service role's table rights are revoked and granted again, in one transaction per database, as
/// <see cref="TableRights"/> says now; default privileges (<c>ALTER DEFAULT PRIVILEGES FOR ROLE shop_migrations</c>)
/// give the same rights on the tables later migrations create. Two runs at once (two AppHosts on one server, a retried
/// job) take turns on an advisory lock of the <c>postgres</c> database.
/// </summary>
internal sealed partial class DatabaseRoleProvisioner(IConfiguration configuration, ILogger<DatabaseRoleProvisioner> logger)
{
    /// <summary>The databases the migrations connect to, by their resource names (<c>ConnectionStrings:{name}</c>).</summary>
    public static readonly string[] Databases = ["catalogdb", "orderingdb", "identitydb"];

    /// <summary>
    /// What each service does with its tables, read from its code, nothing more. ordering-api reads, inserts and
    /// updates (orders, stocks, releases, the outbox) and deletes nothing; ordering-worker also deletes the outbox's
    /// published rows; catalog-api deletes items and sales (admin) and its published outbox rows; identity-api's
    /// ASP.NET Core Identity and OpenIddict stores delete tokens, claims and logins. None of them uses TRUNCATE, COPY,
    /// temporary tables or triggers of its own (advisory locks need no grant; only the migrations take them).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> TableRights = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["catalog_api"] = "SELECT, INSERT, UPDATE, DELETE",
        ["identity_api"] = "SELECT, INSERT, UPDATE, DELETE",
        ["ordering_api"] = "SELECT, INSERT, UPDATE",
        ["ordering_worker"] = "SELECT, INSERT, UPDATE, DELETE",
    };

    // Any fixed number: the lock only keeps two provisioning runs of one server apart.
    private const long ProvisioningLockKey = 0x5e0f_4201;

    private sealed record ServiceRole(string Name, string Database, string Password, string Rights);

    /// <summary>False when no superuser connection is configured (a migrations run against databases it may already change, e.g. a test's): nothing to provision.</summary>
    public bool Configured => !string.IsNullOrEmpty(configuration.GetConnectionString("postgres"));

    public async Task ProvisionAsync(CancellationToken cancellationToken)
    {
        var admin = new NpgsqlConnectionStringBuilder(configuration.GetConnectionString("postgres")) { Database = "postgres", Pooling = false };
        var databases = Databases.ToDictionary(name => name, name => new NpgsqlConnectionStringBuilder(
            configuration.GetConnectionString(name) ?? throw new InvalidOperationException($"ConnectionStrings:{name} is not configured")));
        // The owner role is the one the migrations connect to the databases as: the same user and password in all three.
        if (databases.Values.Select(d => (d.Username, d.Password)).Distinct().Count() != 1)
        {
            throw new InvalidOperationException("The databases' connection strings name different users or passwords: the migrations connect to all of them as one role, their owner.");
        }
        var (owner, ownerPassword) = (databases.Values.First().Username, databases.Values.First().Password);
        if (string.IsNullOrEmpty(owner) || owner == admin.Username)
        {
            throw new InvalidOperationException($"The migrations connect to the databases as '{owner}': they must connect as a role of their own (shop_migrations), not as the superuser '{admin.Username}'.");
        }
        if (string.IsNullOrEmpty(ownerPassword))
        {
            throw new InvalidOperationException($"The databases' connection strings give no password for '{owner}'.");
        }
        var services = ServiceRoles().ToList();
        if (services.FirstOrDefault(s => !databases.ContainsKey(s.Database)) is { } stray)
        {
            throw new InvalidOperationException($"Postgres:Roles:{stray.Name}:Database is '{stray.Database}', which is none of {string.Join(", ", Databases)}.");
        }

        await using var server = new NpgsqlConnection(admin.ConnectionString);
        await server.OpenAsync(cancellationToken);
        await ExecuteAsync(server, $"SELECT pg_advisory_lock({ProvisioningLockKey})", cancellationToken);
        try
        {
            await EnsureLoginRoleAsync(server, owner, ownerPassword, cancellationToken);
            foreach (var service in services)
            {
                await EnsureLoginRoleAsync(server, service.Name, service.Password, cancellationToken);
            }
            foreach (var (name, database) in databases)
            {
                await GrantAsync(new NpgsqlConnectionStringBuilder(admin.ConnectionString) { Database = database.Database }, owner, services, name, cancellationToken);
            }
        }
        finally
        {
            await ExecuteAsync(server, $"SELECT pg_advisory_unlock({ProvisioningLockKey})", CancellationToken.None);
        }
        LogProvisioned(logger, owner, string.Join(", ", services.Select(s => $"{s.Name} ({s.Database}: {s.Rights})")));
    }

    private IEnumerable<ServiceRole> ServiceRoles()
    {
        foreach (var role in configuration.GetSection("Postgres:Roles").GetChildren())
        {
            if (!TableRights.TryGetValue(role.Key, out var rights))
            {
                throw new InvalidOperationException($"Postgres:Roles:{role.Key}: no rights are defined for this role (DatabaseRoleProvisioner.TableRights).");
            }
            yield return new ServiceRole(
                role.Key,
                role["Database"] ?? throw new InvalidOperationException($"Postgres:Roles:{role.Key}:Database is not configured"),
                role["Password"] is { Length: > 0 } password ? password : throw new InvalidOperationException($"Postgres:Roles:{role.Key}:Password is not configured"),
                rights);
        }
    }

    /// <summary>A login role with no power beyond its grants, its password the configured one.</summary>
    private static async Task EnsureLoginRoleAsync(NpgsqlConnection server, string role, string password, CancellationToken cancellationToken)
    {
        await using (var exists = new NpgsqlCommand("SELECT 1 FROM pg_roles WHERE rolname = $1", server) { Parameters = { new() { Value = role } } })
        {
            if (await exists.ExecuteScalarAsync(cancellationToken) is null)
            {
                await ExecuteAsync(server, $"CREATE ROLE {Identifier(role)}", cancellationToken);
            }
        }
        // Utility statements take no parameters: the password goes in as a literal, as a SCRAM verifier, so that the
        // password itself never reaches the server (nor its log, should it log statements).
        await ExecuteAsync(server,
            $"ALTER ROLE {Identifier(role)} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT PASSWORD {Literal(PasswordVerifier(password))}",
            cancellationToken);
    }

    private static async Task GrantAsync(NpgsqlConnectionStringBuilder database, string owner, IReadOnlyList<ServiceRole> services, string name, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var db = Identifier(database.Database!);
        var o = Identifier(owner);
        var sql = new StringBuilder($"""
            REVOKE ALL ON DATABASE {db} FROM PUBLIC;
            GRANT CONNECT, CREATE ON DATABASE {db} TO {o};
            REVOKE CREATE ON SCHEMA public FROM PUBLIC;
            GRANT USAGE, CREATE ON SCHEMA public TO {o};

            """);
        // A data folder from before the roles: its objects belong to postgres, which is a superuser and cannot be
        // REASSIGN OWNED away from (its system objects are the database's own). Each of the schema's objects changes
        // owner instead, but not an extension's (they stay with their extension) and not a sequence owned by a column
        // (it follows its table).
        sql.Append($$"""
            DO $provision$
            DECLARE o record;
            BEGIN
                FOR o IN
                    SELECT c.oid, c.relkind, format('%I.%I', n.nspname, c.relname) AS name
                    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
                      AND c.relowner <> {{LiteralRoleOid(owner)}}
                      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('e', 'a', 'i'))
                LOOP
                    EXECUTE format(CASE o.relkind WHEN 'S' THEN 'ALTER SEQUENCE %s OWNER TO %I' WHEN 'v' THEN 'ALTER VIEW %s OWNER TO %I'
                        WHEN 'm' THEN 'ALTER MATERIALIZED VIEW %s OWNER TO %I' WHEN 'f' THEN 'ALTER FOREIGN TABLE %s OWNER TO %I'
                        ELSE 'ALTER TABLE %s OWNER TO %I' END, o.name, {{Literal(owner)}});
                END LOOP;
                FOR o IN
                    SELECT p.oid::regprocedure AS name, p.prokind
                    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                    WHERE n.nspname = 'public' AND p.proowner <> {{LiteralRoleOid(owner)}}
                      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
                LOOP
                    EXECUTE format(CASE o.prokind WHEN 'p' THEN 'ALTER PROCEDURE %s OWNER TO %I' WHEN 'a' THEN 'ALTER AGGREGATE %s OWNER TO %I'
                        ELSE 'ALTER FUNCTION %s OWNER TO %I' END, o.name, {{Literal(owner)}});
                END LOOP;
                FOR o IN
                    SELECT t.oid::regtype AS name
                    FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                    WHERE n.nspname = 'public' AND t.typtype IN ('e', 'd', 'r', 'm') AND t.typowner <> {{LiteralRoleOid(owner)}}
                      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype IN ('e', 'i'))
                LOOP
                    EXECUTE format('ALTER TYPE %s OWNER TO %I', o.name, {{Literal(owner)}});
                END LOOP;
            END
            $provision$;

            """);
        foreach (var service in services)
        {
            var role = Identifier(service.Name);
            if (service.Database != name)
            {
                // A role of another database: nothing here (should it ever have been given something).
                sql.Append($"""
                    REVOKE ALL ON DATABASE {db} FROM {role};
                    REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role};
                    REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {role};
                    ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA public REVOKE ALL ON TABLES FROM {role};
                    ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA public REVOKE ALL ON SEQUENCES FROM {role};
                    REVOKE ALL ON SCHEMA public FROM {role};

                    """);
                continue;
            }
            // Revoked and granted again in this transaction: exactly TableRights, on today's tables and on those the
            // next migrations create (as the owner: default privileges are per creating role).
            sql.Append($"""
                GRANT CONNECT ON DATABASE {db} TO {role};
                GRANT USAGE ON SCHEMA public TO {role};
                REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role};
                GRANT {service.Rights} ON ALL TABLES IN SCHEMA public TO {role};
                REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {role};
                GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role};
                ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA public REVOKE ALL ON TABLES FROM {role};
                ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA public GRANT {service.Rights} ON TABLES TO {role};
                ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA public REVOKE ALL ON SEQUENCES FROM {role};
                ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {role};

                """);
        }
        await ExecuteAsync(connection, sql.ToString(), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// The SCRAM-SHA-256 verifier Postgres stores for <paramref name="password"/> (what <c>psql</c>'s <c>\password</c>
    /// sends; RFC 5802, RFC 7677): a salted, iterated hash the server accepts in place of the password. Postgres applies
    /// SASLprep to a password first, which changes nothing in printable ASCII; any other password is sent as it is
    /// and hashed by the server, which applies SASLprep itself.
    /// </summary>
    internal static string PasswordVerifier(string password)
    {
        if (!password.All(c => c is >= ' ' and <= '~'))
        {
            return password;
        }
        const int iterations = 4096;
        var salt = RandomNumberGenerator.GetBytes(16);
        var salted = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, 32);
        var storedKey = SHA256.HashData(HMACSHA256.HashData(salted, "Client Key"u8));
        var serverKey = HMACSHA256.HashData(salted, "Server Key"u8);
        return $"SCRAM-SHA-256${iterations}:{Convert.ToBase64String(salt)}${Convert.ToBase64String(storedKey)}:{Convert.ToBase64String(serverKey)}";
    }

    internal static string Identifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    // standard_conforming_strings is on (Postgres's default since 9.1): only the quote needs doubling.
    internal static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static string LiteralRoleOid(string role) => $"{Literal(role)}::regrole";

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Database roles provisioned: {Owner} owns the schema objects; service roles: {Services}")]
    private static partial void LogProvisioned(ILogger logger, string owner, string services);
}
