using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Shop.AppHost.LocalServers;

namespace Shop.AppHost.Tests;

/// <summary>
/// The local servers promise Aspire's own contract: a service referencing <c>cache</c>, <c>gate</c>, <c>catalogdb</c> or
/// <c>messaging</c> gets the same connection string and the same connection properties whether the server is our
/// executable (run mode) or Aspire's container (publish mode). Compared as Aspire's own value expressions.
/// </summary>
[Collection(OneAtATime.Name)]
public sealed class ConnectionContractTests
{
    [Fact]
    public void Redis_gives_what_Aspires_Redis_gives()
    {
        var (local, aspire) = Pair(b => b.AddLocalRedis("cache").Resource, b => b.AddRedis("cache").Resource);
        AssertSameContract(local, aspire);
        Assert.Equal("{cache.bindings.tcp.host}:{cache.bindings.tcp.port},password={cache-password.value}", Signature(local.ConnectionStringExpression));
    }

    [Fact]
    public void The_gate_gives_what_Aspires_Redis_with_a_data_volume_gives()
    {
        var (local, aspire) = Pair(b => b.AddDurableRedis("gate").Resource, b => b.AddRedis("gate").WithDataVolume().Resource);
        Assert.IsType<LocalRedisResource>(local);
        AssertSameContract(local, aspire);
        Assert.Equal("{gate.bindings.tcp.host}:{gate.bindings.tcp.port},password={gate-password.value}", Signature(local.ConnectionStringExpression));
    }

    [Fact]
    public void The_gate_keeps_its_data_fsyncs_every_write_and_never_evicts_and_the_cache_evicts_and_keeps_nothing()
    {
        var builder = NewBuilder();
        var gate = (LocalRedisResource)builder.AddDurableRedis("gate").Resource;
        var cache = (LocalRedisResource)builder.AddRedisCache("cache").Resource;

        Assert.Single(gate.Annotations.OfType<KeepDataAnnotation>());
        var gateConfig = LocalRedisBuilderExtensions.ConfigOf(gate).ToDictionary();
        Assert.Equal("yes", gateConfig["appendonly"]);
        Assert.Equal("always", gateConfig["appendfsync"]);
        Assert.Equal("noeviction", gateConfig["maxmemory-policy"]);
        // A hard limit (Redis refuses writes beyond it) above the scripts' soft one (docs/ordering.md, "Limits").
        Assert.Equal(RedisSettings.GateMaxMemory, gateConfig["maxmemory"]);
        // Each directive once: redis.conf takes the last of a repeated one, which would hide a mistake here.
        Assert.Equal(LocalRedisBuilderExtensions.ConfigOf(gate).Count, gateConfig.Count);

        Assert.Empty(cache.Annotations.OfType<KeepDataAnnotation>());
        var cacheConfig = LocalRedisBuilderExtensions.ConfigOf(cache).ToDictionary();
        Assert.Equal("no", cacheConfig["appendonly"]);
        Assert.Equal("\"\"", cacheConfig["save"]);
        Assert.Equal("256mb", cacheConfig["maxmemory"]);
        Assert.Equal("allkeys-lru", cacheConfig["maxmemory-policy"]);
    }

    [Fact]
    public void Postgres_server_and_database_give_what_Aspires_give()
    {
        var (local, aspire) = Pair(
            b => b.AddLocalPostgres("postgres").AddDatabase("catalogdb").Resource,
            b => b.AddPostgres("postgres").AddDatabase("catalogdb").Resource);
        AssertSameContract(local, aspire);
        AssertSameContract(((LocalPostgresDatabaseResource)local).Parent, ((PostgresDatabaseResource)aspire).Parent);
        Assert.Equal("{postgres.connectionString};Database=catalogdb", Signature(local.ConnectionStringExpression));
    }

    [Fact]
    public void RabbitMQ_gives_what_Aspires_RabbitMQ_with_Shops_user_gives()
    {
        // Publish mode gives the container the user as a parameter (default "shop", ServerResources); run mode's broker
        // has the same user as a constant: the same contract once the parameter holds its default.
        var (local, aspire) = Pair(b => b.AddLocalRabbitMQ("messaging").Resource,
            b => b.AddRabbitMQ("messaging", userName: b.AddParameter("messaging-user", LocalRabbitMQResource.UserName)).Resource);
        static string WithDefaultUser(string signature) => signature
            .Replace("{messaging-user.value}:uri", "shop", StringComparison.Ordinal)
            .Replace("{messaging-user.value}", "shop", StringComparison.Ordinal);
        Assert.Equal(WithDefaultUser(Signature(aspire.ConnectionStringExpression)), Signature(local.ConnectionStringExpression));
        Assert.Equal([.. Properties(aspire).Select(WithDefaultUser)], Properties(local));
        Assert.Equal("amqp://shop:{messaging-password.value}:uri@{messaging.bindings.tcp.host}:{messaging.bindings.tcp.port}", Signature(local.ConnectionStringExpression));
    }

    [Fact]
    public void Generated_passwords_are_secret_parameters_named_like_Aspires()
    {
        var builder = NewBuilder();
        ParameterResource[] passwords =
        [
            builder.AddLocalRedis("cache").Resource.PasswordParameter,
            builder.AddLocalRedis("gate").Resource.PasswordParameter,
            builder.AddLocalPostgres("postgres").Resource.PasswordParameter,
            builder.AddLocalRabbitMQ("messaging").Resource.PasswordParameter,
        ];
        Assert.Equal(["cache-password", "gate-password", "postgres-password", "messaging-password"], passwords.Select(p => p.Name));
        Assert.All(passwords, p => Assert.True(p.Secret, p.Name));
    }

    // A bare builder in run mode: resources are only composed here, nothing starts.
    private static IDistributedApplicationBuilder NewBuilder() => DistributedApplication.CreateBuilder([]);

    private static (IResourceWithConnectionString Local, IResourceWithConnectionString Aspire) Pair(
        Func<IDistributedApplicationBuilder, IResourceWithConnectionString> local,
        Func<IDistributedApplicationBuilder, IResourceWithConnectionString> aspire) =>
        (local(NewBuilder()), aspire(NewBuilder()));

    private static void AssertSameContract(IResourceWithConnectionString local, IResourceWithConnectionString aspire)
    {
        Assert.Equal(Signature(aspire.ConnectionStringExpression), Signature(local.ConnectionStringExpression));
        Assert.Equal(Properties(aspire), Properties(local));
    }

    private static List<string> Properties(IResourceWithConnectionString resource) =>
        [.. resource.GetConnectionProperties().Select(p => $"{p.Key}={Signature(p.Value)}").Order(StringComparer.Ordinal)];

    /// <summary>
    /// The expression with each value it refers to and that value's format (":uri" escapes a password for a URI):
    /// what decides the string a service receives.
    /// </summary>
    private static string Signature(ReferenceExpression expression) =>
        WithoutTlsSwitch(string.Format(System.Globalization.CultureInfo.InvariantCulture, expression.Format,
            [.. expression.ValueProviders.Select((provider, i) =>
                ((IManifestExpressionProvider)provider).ValueExpression + (expression.StringFormats[i] is { } format ? ":" + format : ""))]));

    // Aspire's Redis appends ",ssl=true" through a conditional part when TLS is enabled on its endpoint; the local
    // servers listen on loopback without TLS, where that part is empty.
    private static string WithoutTlsSwitch(string expression) =>
        System.Text.RegularExpressions.Regex.Replace(expression, @"\{cond-[^}]*tlsenabled[^}]*\}", "");
}
