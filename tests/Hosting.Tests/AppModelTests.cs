using Shop.Hosting.ApplicationModel;
using Shop.Hosting.Orchestration;

namespace Shop.Hosting.Tests;

/// <summary>The app model and the environment contract (DESIGN.md §2), checked without starting anything.</summary>
public sealed class AppModelTests : IDisposable
{
    private readonly string _dataPath = Path.Combine(Path.GetTempPath(), "shop-model-" + Guid.NewGuid().ToString("N")[..8]);

    [Fact]
    public async Task Environment_contract_has_Aspire_names_and_formats()
    {
        var builder = NewBuilder();
        var cache = builder.AddRedis("cache");
        var catalogDb = builder.AddPostgres("postgres").AddDatabase("catalogdb");
        var messaging = builder.AddRabbitMQ("messaging");
        var api = builder.AddProject<FakeProject>("catalog-api").WithReplicas(2);
        var web = builder.AddProject<FakeProject>("webfrontend")
            .WithReference(cache).WithReference(catalogDb).WithReference(messaging).WithReference(api)
            .WithEnvironment("FEATURE", "on");
        Allocate(cache.Resource, 6390);
        Allocate(builder.Resources.OfType<PostgresServerResource>().Single(), 5440);
        Allocate(messaging.Resource, 5680);
        Allocate(api.Resource, 7000, 7001, 7002);

        var env = (await new EnvironmentResolver(builder.ExecutionContext).ResolveAsync(web.Resource, [], CancellationToken.None))
            .ToDictionary(e => e.Name);

        var redisPassword = Password(builder, "cache");
        var postgresPassword = Password(builder, "postgres");
        var rabbitPassword = Password(builder, "messaging");
        Assert.Equal($"127.0.0.1:6390,password={redisPassword}", env["ConnectionStrings__cache"].Value);
        Assert.Equal($"Host=127.0.0.1;Port=5440;Username=postgres;Password={postgresPassword};Database=catalogdb", env["ConnectionStrings__catalogdb"].Value);
        Assert.Equal($"amqp://guest:{rabbitPassword}@127.0.0.1:5680", env["ConnectionStrings__messaging"].Value);
        // Every replica is listed, not the proxy: clients balance across them.
        Assert.Equal("http://127.0.0.1:7001", env["services__catalog-api__http__0"].Value);
        Assert.Equal("http://127.0.0.1:7002", env["services__catalog-api__http__1"].Value);
        Assert.False(env.ContainsKey("services__catalog-api__http__2"));
        Assert.Equal("on", env["FEATURE"].Value);

        Assert.True(env["ConnectionStrings__cache"].IsSecret);
        Assert.True(env["ConnectionStrings__catalogdb"].IsSecret);
        Assert.False(env["services__catalog-api__http__0"].IsSecret);
        Assert.False(env["FEATURE"].IsSecret);
    }

    [Fact]
    public void Generated_secrets_are_kept_per_data_folder_and_configuration_wins()
    {
        var first = Password(NewBuilderWith(b => b.AddRedis("cache")), "cache");
        var second = Password(NewBuilderWith(b => b.AddRedis("cache")), "cache");
        var configured = Password(NewBuilderWith(b => b.AddRedis("cache"), "--Parameters:cache-password=fromconfig"), "cache");

        Assert.Equal(22, first.Length);
        Assert.Equal(first, second);
        Assert.Equal("fromconfig", configured);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_dataPath, "parameters.json")));
    }

    [Fact]
    public void A_plain_parameter_without_a_value_is_a_clear_error()
    {
        var builder = NewBuilder();
        var parameter = builder.AddParameter("region").Resource;

        var error = Assert.Throws<DistributedApplicationException>(() => parameter.Value);
        Assert.Contains("Parameters:region", error.Message);
    }

    [Theory]
    [InlineData("Cache_1")]
    [InlineData("1cache")]
    [InlineData("cache-")]
    [InlineData("ca--che")]
    public void Invalid_resource_names_are_refused(string name)
    {
        Assert.Throws<ArgumentException>(() => NewBuilder().AddRedis(name));
    }

    [Fact]
    public void Duplicate_names_and_waiting_for_oneself_are_refused()
    {
        var builder = NewBuilder();
        builder.AddRedis("cache");
        var project = builder.AddProject<FakeProject>("api");

        Assert.Throws<DistributedApplicationException>(() => builder.AddPostgres("CACHE"));
        Assert.Throws<DistributedApplicationException>(() => project.WaitFor(project));
    }

    private IDistributedApplicationBuilder NewBuilder(params string[] args) =>
        DistributedApplication.CreateBuilder([$"--Hosting:DataPath={_dataPath}", .. args]);

    private IDistributedApplicationBuilder NewBuilderWith(Action<IDistributedApplicationBuilder> compose, params string[] args)
    {
        var builder = NewBuilder(args);
        compose(builder);
        return builder;
    }

    private static string Password(IDistributedApplicationBuilder builder, string server) =>
        builder.Resources.OfType<ServerResource>().Single(s => s.Name == server).PasswordParameter.Value;

    private static void Allocate(IResource resource, int port, params int[] replicaPorts)
    {
        var endpoint = resource.Annotations.OfType<EndpointAnnotation>().First();
        endpoint.Allocated = new AllocatedEndpoint("127.0.0.1", port, endpoint.UriScheme);
        endpoint.ReplicaPorts = replicaPorts.Length > 0 ? replicaPorts : [port];
    }

    public void Dispose()
    {
        if (Directory.Exists(_dataPath))
        {
            Directory.Delete(_dataPath, recursive: true);
        }
    }

    private sealed class FakeProject : IProjectMetadata
    {
        public string ProjectPath => "/nowhere/Fake.csproj";

        public string AssemblyPath => "/nowhere/Fake.dll";
    }
}
