using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Shop.AppHost.LocalServers;

namespace Shop.AppHost.Tests;

/// <summary>The real AppHost, run as a process with <c>--publisher manifest</c>, writes Aspire's manifest and starts nothing.</summary>
[Collection(OneAtATime.Name)]
public sealed class ManifestTests : IDisposable
{
    private static readonly string[] Projects = ["basket-api", "catalog-api", "identity-api", "ordering-api", "ordering-worker", "webfrontend"];

    private readonly string _folder = Directory.CreateTempSubdirectory("shop-manifest-").FullName;

    [Fact]
    public async Task The_manifest_validates_against_the_aspire_schema_and_has_every_resource()
    {
        var manifest = await PublishAsync();

        var result = Evaluate(manifest);
        Assert.True(result.IsValid, Errors(result));

        var resources = manifest["resources"]!.AsObject();
        Assert.Equal(
            ["alertmanager", "basket-api", "cache", "catalog-api", "catalogdb", "gate", "identity-api", "identitydb", "messaging", "messaging-user", "messaging-user-uri-encoded", "migrations", "ordering-api", "ordering-worker", "orderingdb", "postgres", "prometheus", "storefront-client-secret", "storefront-keyring-certificate", "webfrontend"],
            resources.Select(r => r.Key)
                .Where(k => !k.Contains("-password", StringComparison.Ordinal) && !k.StartsWith("cond-", StringComparison.Ordinal) && !k.EndsWith("-token-key", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal));

        // The servers are Aspire's containers, tagged with the major versions run mode tests (Debian 12).
        Assert.Equal("docker.io/library/redis:7.0", (string?)resources["cache"]!["image"]);
        Assert.Equal("docker.io/library/redis:7.0", (string?)resources["gate"]!["image"]);
        Assert.Equal("docker.io/library/postgres:15", (string?)resources["postgres"]!["image"]);
        Assert.Equal("docker.io/library/rabbitmq:3.10", (string?)resources["messaging"]!["image"]);
        Assert.NotNull(resources["postgres"]!["volumes"]);
        Assert.NotNull(resources["messaging"]!["volumes"]);
        // The broker's user is Shop's own, a parameter whose default is "shop": the container makes it instead of guest.
        Assert.Equal("{messaging-user.value}", (string?)resources["messaging"]!["env"]!["RABBITMQ_DEFAULT_USER"]);
        Assert.Equal("shop", (string?)resources["messaging-user"]!["inputs"]!["value"]!["default"]!["value"]);
        Assert.StartsWith("amqp://{messaging-user-uri-encoded.value}:", (string?)resources["messaging"]!["connectionString"], StringComparison.Ordinal);
        Assert.DoesNotContain("guest", manifest.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("/data", (string?)resources["gate"]!["volumes"]!.AsArray().Single()!["target"]);
        Assert.Null(resources["cache"]!["volumes"]);
        // Monitoring: the same major versions as Debian 12's packages, configured by the repository's monitoring/.
        Assert.Equal("docker.io/prom/prometheus:v2.42.0", (string?)resources["prometheus"]!["image"]);
        Assert.Equal("docker.io/prom/alertmanager:v0.25.0", (string?)resources["alertmanager"]!["image"]);
        foreach (var (name, config) in new[] { ("prometheus", "prometheus.yml"), ("alertmanager", "alertmanager.yml") })
        {
            var mount = resources[name]!["bindMounts"]!.AsArray().Single()!;
            Assert.EndsWith("monitoring", (string?)mount["source"], StringComparison.Ordinal);
            Assert.True((bool?)mount["readOnly"]);
            Assert.Contains($"--config.file={(string?)mount["target"]}/{config}", resources[name]!["args"]!.AsArray().Select(a => (string?)a));
            Assert.NotNull(resources[name]!["volumes"]);
        }
        Assert.Equal("{postgres.connectionString};Database=catalogdb", (string?)resources["catalogdb"]!["connectionString"]);
        Assert.Equal("{postgres.connectionString};Database=orderingdb", (string?)resources["orderingdb"]!["connectionString"]);

        Assert.Equal("{postgres.connectionString};Database=identitydb", (string?)resources["identitydb"]!["connectionString"]);
        var clientSecret = resources["storefront-client-secret"]!;
        Assert.True((bool?)clientSecret["inputs"]!["value"]!["secret"]);
        Assert.NotNull(clientSecret["inputs"]!["value"]!["default"]!["generate"]);
        // The certificate that protects the storefront's key ring: a secret with no default (nothing generates a
        // deployment's), so azd asks the deployer for one; the storefront gets it as configuration.
        var keyRingCertificate = resources["storefront-keyring-certificate"]!;
        Assert.True((bool?)keyRingCertificate["inputs"]!["value"]!["secret"]);
        Assert.Null(keyRingCertificate["inputs"]!["value"]!["default"]);
        Assert.Equal("{storefront-keyring-certificate.value}", (string?)resources["webfrontend"]!["env"]!["Storefront__DataProtection__Certificate"]);
        // The deployment's admin password: a secret with no default, so azd asks the deployer for it.
        var adminPassword = resources["identity-admin-password"]!;
        Assert.True((bool?)adminPassword["inputs"]!["value"]!["secret"]);
        Assert.Null(adminPassword["inputs"]!["value"]!["default"]);

        foreach (var name in Projects)
        {
            Assert.Equal("project.v0", (string?)resources[name]!["type"]);
            Assert.Equal("http", (string?)resources[name]!["bindings"]!["http"]!["scheme"]);
        }
        var catalogEnv = resources["catalog-api"]!["env"]!;
        Assert.Equal("{cache.connectionString}", (string?)catalogEnv["ConnectionStrings__cache"]);
        Assert.Null(catalogEnv["ConnectionStrings__gate"]);
        Assert.Equal(RoleConnection("catalog_api", "catalog-api", "catalogdb"), (string?)catalogEnv["ConnectionStrings__catalogdb"]);
        Assert.Equal("{messaging.connectionString}", (string?)catalogEnv["ConnectionStrings__messaging"]);
        // Each API's token key: a generated secret that only identity-api (which signs that API's tokens) and that API hold.
        var apis = new Dictionary<string, string> { ["catalog-api"] = "catalog", ["basket-api"] = "basket", ["ordering-api"] = "ordering" };
        var identityEnv = resources["identity-api"]!["env"]!.AsObject();
        foreach (var (api, scope) in apis)
        {
            var key = resources[$"{api}-token-key"]!;
            Assert.True((bool?)key["inputs"]!["value"]!["secret"]);
            Assert.NotNull(key["inputs"]!["value"]!["default"]!["generate"]);
            Assert.Equal($"{{{api}-token-key.value}}", (string?)resources[api]!["env"]!["Identity__SigningKey"]);
            Assert.Equal($"{{{api}-token-key.value}}", (string?)identityEnv[$"Identity__ApiSigningKeys__{scope}"]);
        }
        Assert.Equal(["basket-api-token-key", "catalog-api-token-key", "ordering-api-token-key"],
            resources.Select(r => r.Key).Where(k => k.EndsWith("-token-key", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        foreach (var name in Projects)
        {
            // No deployment trusts a test key, and no resource but identity-api and the API itself holds an API's key.
            var env = resources[name]!["env"]!.AsObject();
            Assert.DoesNotContain(env, e => e.Key.StartsWith("Identity__TestSigningKey", StringComparison.Ordinal));
            foreach (var (api, _) in apis.Where(pair => pair.Key != name && name != "identity-api"))
            {
                Assert.DoesNotContain(env, e => ((string?)e.Value)?.Contains($"{api}-token-key", StringComparison.Ordinal) == true);
            }
        }
        foreach (var name in (string[])["catalog-api", "basket-api", "ordering-api"])
        {
            // No API calls identity-api: a buy never waits for it.
            Assert.Null(resources[name]!["env"]!["services__identity-api__http__0"]);
        }
        Assert.Equal("{identity-api.bindings.http.url}", (string?)resources["webfrontend"]!["env"]!["services__identity-api__http__0"]);
        Assert.Equal("{storefront-client-secret.value}", (string?)resources["webfrontend"]!["env"]!["Identity__StorefrontClientSecret"]);
        // Least privilege (docs/architecture.md, "Database roles"): each service connects to its one database as a role of
        // its own, with a generated secret parameter of its own, referenced and never inlined; none gets the superuser's
        // connection string or another database's.
        foreach (var (service, role, database) in new[] { ("identity-api", "identity_api", "identitydb"), ("ordering-api", "ordering_api", "orderingdb"), ("ordering-worker", "ordering_worker", "orderingdb") })
        {
            Assert.Equal(RoleConnection(role, service, database), (string?)resources[service]!["env"]!["ConnectionStrings__" + database]);
        }
        foreach (var name in Projects)
        {
            var env = resources[name]!["env"]!.AsObject();
            Assert.DoesNotContain(env, e => ((string?)e.Value)?.Contains("{postgres.connectionString}", StringComparison.Ordinal) == true);
            Assert.DoesNotContain(env, e => ((string?)e.Value)?.Contains("{postgres-password.value}", StringComparison.Ordinal) == true);
            var databases = env.Where(e => e.Key.StartsWith("ConnectionStrings__", StringComparison.Ordinal) && e.Key.EndsWith("db", StringComparison.Ordinal)).ToList();
            if (name is "basket-api" or "webfrontend")
            {
                Assert.Empty(databases);
            }
            else
            {
                Assert.Contains($"{{{name}-db-password.value}}", (string?)Assert.Single(databases).Value, StringComparison.Ordinal);
            }
        }
        Assert.Equal(["catalog-api-db-password", "identity-api-db-password", "migrations-db-password", "ordering-api-db-password", "ordering-worker-db-password"],
            resources.Select(r => r.Key).Where(k => k.EndsWith("-db-password", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        foreach (var parameter in resources.Where(r => r.Key.EndsWith("-db-password", StringComparison.Ordinal)))
        {
            Assert.True((bool?)parameter.Value!["inputs"]!["value"]!["secret"], parameter.Key);
            Assert.NotNull(parameter.Value!["inputs"]!["value"]!["default"]!["generate"]);
        }
        foreach (var name in (string[])["ordering-api", "ordering-worker"])
        {
            // The gate is the ordering services' only Redis; the catalog's cache is not theirs.
            var env = resources[name]!["env"]!;
            Assert.Equal("{gate.connectionString}", (string?)env["ConnectionStrings__gate"]);
            Assert.Null(env["ConnectionStrings__cache"]);
        }
        // The migrations resource: a project that runs to completion with both databases' connection strings and
        // nothing to listen on (the waits on it are the composition's, MigrationsCompositionTests).
        var migrations = resources["migrations"]!;
        Assert.Equal("project.v0", (string?)migrations["type"]);
        Assert.EndsWith("DatabaseMigrations.csproj", (string?)migrations["path"], StringComparison.Ordinal);
        // It migrates as shop_migrations, the databases' owner role; the superuser's connection (the server's) is for
        // provisioning the roles, whose passwords it is given to set (DatabaseRoleProvisioner).
        foreach (var database in (string[])["catalogdb", "orderingdb", "identitydb"])
        {
            Assert.Equal(RoleConnection("shop_migrations", "migrations", database), (string?)migrations["env"]!["ConnectionStrings__" + database]);
        }
        Assert.Equal("{postgres.connectionString}", (string?)migrations["env"]!["ConnectionStrings__postgres"]);
        foreach (var (service, role, database) in new[] { ("catalog-api", "catalog_api", "catalogdb"), ("identity-api", "identity_api", "identitydb"), ("ordering-api", "ordering_api", "orderingdb"), ("ordering-worker", "ordering_worker", "orderingdb") })
        {
            Assert.Equal(database, (string?)migrations["env"]![$"Postgres__Roles__{role}__Database"]);
            Assert.Equal($"{{{service}-db-password.value}}", (string?)migrations["env"]![$"Postgres__Roles__{role}__Password"]);
        }
        Assert.Equal(8, migrations["env"]!.AsObject().Count(e => e.Key.StartsWith("Postgres__Roles__", StringComparison.Ordinal)));
        Assert.Null(migrations["bindings"]);
        // A deployment seeds no demo user: only the admin account, with the password the deployer gave.
        Assert.Null(migrations["env"]!["Identity__Seed__DemoUsers"]);
        Assert.Equal("{identity-admin-password.value}", (string?)migrations["env"]!["Identity__Seed__Admin__Password"]);
        Assert.Equal("{storefront-client-secret.value}", (string?)migrations["env"]!["Identity__Seed__StorefrontClientSecret"]);

        var web = resources["webfrontend"]!;
        Assert.True((bool?)web["bindings"]!["http"]!["external"]);
        // Its probes and metrics on an endpoint of their own, which the ingress never exposes.
        Assert.Null(web["bindings"]!["management"]!["external"]);
        Assert.Equal("{webfrontend.bindings.management.targetPort}", (string?)web["env"]!["Management__Port"]);
        Assert.Null(resources["catalog-api"]!["bindings"]!["http"]!["external"]);

        // Publishing starts nothing: no server wrote a data folder.
        Assert.False(Directory.Exists(Path.Combine(_folder, "data")));
    }

    [Fact]
    public async Task The_gate_container_fsyncs_every_write_and_never_evicts_and_the_cache_evicts()
    {
        var resources = (await PublishAsync())["resources"]!;

        // Aspire's AddRedis runs `/bin/sh -c "redis-server --requirepass $REDIS_PASSWORD …"`: the settings must be
        // in that one command string (arguments after it would go to the shell, not to Redis).
        var gate = RedisServerCommand(resources["gate"]!);
        Assert.StartsWith("redis-server --requirepass $REDIS_PASSWORD ", gate, StringComparison.Ordinal);
        Assert.Contains(" --appendonly yes", gate, StringComparison.Ordinal);
        Assert.Contains(" --appendfsync always", gate, StringComparison.Ordinal);
        Assert.Contains(" --maxmemory-policy noeviction", gate, StringComparison.Ordinal);
        Assert.DoesNotContain("everysec", gate, StringComparison.Ordinal);
        // Its hard memory limit, above the scripts' soft one (docs/ordering.md, "Limits").
        Assert.Contains($" --maxmemory {RedisSettings.GateMaxMemory} ", gate, StringComparison.Ordinal);

        var cache = RedisServerCommand(resources["cache"]!);
        Assert.Equal("redis-server --requirepass $REDIS_PASSWORD --maxmemory 256mb --maxmemory-policy allkeys-lru", cache);
    }

    /// <summary>The connection string a resource gets for <paramref name="database"/> as <paramref name="role"/>, with its own password parameter.</summary>
    private static string RoleConnection(string role, string resource, string database) =>
        $"Host={{postgres.bindings.tcp.host}};Port={{postgres.bindings.tcp.port}};Username={role};Password={{{resource}-db-password.value}};Database={database}";

    /// <summary>The container's command line, <c>/bin/sh -c "&lt;command&gt;"</c>: the command.</summary>
    private static string RedisServerCommand(JsonNode container)
    {
        Assert.Equal("/bin/sh", (string?)container["entrypoint"]);
        var args = container["args"]!.AsArray().Select(a => (string?)a).ToList();
        Assert.Equal(2, args.Count);
        Assert.Equal("-c", args[0]);
        return args[1]!;
    }

    [Fact]
    public async Task The_schema_check_rejects_a_broken_manifest()
    {
        var manifest = await PublishAsync();
        manifest["resources"]!["cache"]!.AsObject().Remove("image");
        manifest["resources"]!["catalog-api"]!["bindings"]!["http"]!["protocol"] = "sctp";

        Assert.False(Evaluate(manifest).IsValid);
    }

    private async Task<JsonNode> PublishAsync()
    {
        var output = Path.Combine(_folder, "aspire-manifest.json");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        using var isolation = AppIsolation.For(new DirectoryInfo(Path.Combine(_folder, "data")));
        foreach (var argument in (string[])["exec", AppHostBinary.AssemblyPath, "--publisher", "manifest", "--output-path", output, .. isolation.Arguments])
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"exit code {process.ExitCode}: {await stdout} {await stderr}");
        return JsonNode.Parse(await File.ReadAllTextAsync(output))!;
    }

    // Loaded once: JsonSchema.Net registers a schema by its $id and refuses to register it twice.
    private static readonly Lazy<JsonSchema> Schema = new(() =>
    {
        var schemaPath = Path.Combine(AppContext.BaseDirectory, "aspire-8.0.json");
        Assert.True(File.Exists(schemaPath), $"The Aspire manifest schema is missing at {schemaPath} (the project copies it from Schemas/).");
        return JsonSchema.FromText(File.ReadAllText(schemaPath));
    });

    private static EvaluationResults Evaluate(JsonNode manifest)
    {
        return Schema.Value.Evaluate(JsonDocument.Parse(manifest.ToJsonString()).RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
    }

    private static string Errors(EvaluationResults result) =>
        string.Join(Environment.NewLine, (result.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")));

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
