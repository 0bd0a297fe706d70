using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Shop.Hosting.Tests;

/// <summary>The real AppHost, run as a process with <c>--publisher manifest</c>, writes a valid Aspire manifest and starts nothing.</summary>
public sealed class ManifestTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "shop-manifest-" + Guid.NewGuid().ToString("N")[..8]);

    [Fact]
    public async Task Manifest_validates_against_the_aspire_schema_and_describes_every_resource()
    {
        var manifest = await PublishAsync();

        var errors = LoadValidator().Validate(JsonDocument.Parse(manifest.ToJsonString()).RootElement);
        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors));

        var resources = manifest["resources"]!.AsObject();
        Assert.Equal("container.v0", (string?)resources["cache"]!["type"]);
        Assert.Equal("{cache.bindings.tcp.host}:{cache.bindings.tcp.port},password={cache-password.value}", (string?)resources["cache"]!["connectionString"]);
        Assert.Equal("container.v0", (string?)resources["postgres"]!["type"]);
        Assert.Equal("value.v0", (string?)resources["catalogdb"]!["type"]);
        Assert.Equal("{postgres.connectionString};Database=catalogdb", (string?)resources["catalogdb"]!["connectionString"]);
        Assert.Equal("{postgres.connectionString};Database=orderingdb", (string?)resources["orderingdb"]!["connectionString"]);
        Assert.Equal("amqp://guest:{messaging-password.value}@{messaging.bindings.tcp.host}:{messaging.bindings.tcp.port}", (string?)resources["messaging"]!["connectionString"]);
        Assert.NotNull(resources["postgres"]!["volumes"]);

        var password = resources["cache-password"]!;
        Assert.Equal("parameter.v0", (string?)password["type"]);
        Assert.True((bool?)password["inputs"]!["value"]!["secret"]);
        Assert.NotNull(password["inputs"]!["value"]!["default"]!["generate"]);

        foreach (var (name, folder) in new[] { ("catalog-api", "Catalog.Api"), ("ordering-api", "Ordering.Api"), ("ordering-worker", "Ordering.Worker"), ("webfrontend", "Web.Blazor") })
        {
            var project = resources[name]!;
            Assert.Equal("project.v0", (string?)project["type"]);
            var path = Path.GetFullPath(Path.Combine(_folder, (string)project["path"]!));
            Assert.Equal(Path.Combine(RepositoryRoot, folder, folder + ".csproj"), path);
            Assert.Equal($"{{{name}.bindings.http.targetPort}}", (string?)project["env"]!["HTTP_PORTS"]);
            Assert.Equal("http", (string?)project["bindings"]!["http"]!["scheme"]);
        }
        var catalogEnv = resources["catalog-api"]!["env"]!;
        Assert.Equal("{cache.connectionString}", (string?)catalogEnv["ConnectionStrings__cache"]);
        Assert.Equal("{catalogdb.connectionString}", (string?)catalogEnv["ConnectionStrings__catalogdb"]);
        Assert.Equal("{messaging.connectionString}", (string?)catalogEnv["ConnectionStrings__messaging"]);
        var web = resources["webfrontend"]!;
        Assert.Equal("{catalog-api.bindings.http.url}", (string?)web["env"]!["services__catalog-api__http__0"]);
        Assert.Equal("{ordering-api.bindings.http.url}", (string?)web["env"]!["services__ordering-api__http__0"]);
        Assert.True((bool?)web["bindings"]!["http"]!["external"]);
        Assert.Null(resources["catalog-api"]!["bindings"]!["http"]!["external"]);

        // Publishing starts nothing: no data folder, no pid files, no secrets generated.
        Assert.False(Directory.Exists(Path.Combine(_folder, "data")));
    }

    [Fact]
    public async Task The_schema_check_rejects_a_broken_manifest()
    {
        var manifest = await PublishAsync();
        manifest["resources"]!["cache"]!.AsObject().Remove("image");
        manifest["resources"]!["catalog-api"]!["bindings"]!["http"]!["protocol"] = "sctp";

        var errors = LoadValidator().Validate(JsonDocument.Parse(manifest.ToJsonString()).RootElement);

        Assert.NotEmpty(errors);
    }

    private async Task<JsonNode> PublishAsync()
    {
        Directory.CreateDirectory(_folder);
        var output = Path.Combine(_folder, "aspire-manifest.json");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "exec", new Projects.AppHost().AssemblyPath, "--publisher", "manifest", "--output-path", output, "--Hosting:DataPath", Path.Combine(_folder, "data") })
        {
            info.ArgumentList.Add(arg);
        }
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"exit code {process.ExitCode}: {await stdout} {await stderr}");
        return JsonNode.Parse(await File.ReadAllTextAsync(output))!;
    }

    private static JsonSchemaValidator LoadValidator()
    {
        var schemaPath = Path.Combine(AppContext.BaseDirectory, "aspire-8.0.json");
        Assert.True(File.Exists(schemaPath), $"The Aspire manifest schema is missing at {schemaPath} (it comes from ../shared/schemas).");
        return new JsonSchemaValidator(JsonDocument.Parse(File.ReadAllText(schemaPath)).RootElement);
    }

    private static string RepositoryRoot => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(new Projects.AppHost().ProjectPath)!, ".."));

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
