using Microsoft.Extensions.DependencyInjection;

namespace Shop.AppHost.LocalServers;

public static class LocalRedisBuilderExtensions
{
    /// <summary>
    /// A redis-server of this machine on a loopback port with a generated password (parameter
    /// <c>{name}-password</c>), healthy once it answers an authenticated PING. Without a data volume it keeps
    /// nothing, like Aspire's container; see <see cref="WithDataVolume"/>.
    /// </summary>
    public static IResourceBuilder<LocalRedisResource> AddLocalRedis(this IDistributedApplicationBuilder builder, [ResourceName] string name)
    {
        // No commas: StackExchange.Redis cannot parse a password with one (the same rule as Aspire's AddRedis).
        var password = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-password", special: false);
        var redis = new LocalRedisResource(name, ServerBinary.RedisServer.Locate(builder.Configuration), LocalDataFolder.For(builder, name), password);

        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(redis, async (_, ct) =>
            connectionString = await redis.ConnectionStringExpression.GetValueAsync(ct).ConfigureAwait(false));
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(redis, (_, ct) => WriteConfigAsync(redis, ct));

        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().AddRedis(_ => connectionString ?? throw new InvalidOperationException($"{name} has no connection string yet"), name: healthCheckKey);

        return builder.AddResource(redis)
            .WithLoopbackEndpoint(LocalRedisResource.PrimaryEndpointName, scheme: "redis")
            // The port is an argument; everything else (the password among it) is in the private redis.conf.
            .WithArgs(context =>
            {
                context.Args.Add(Path.Combine(redis.DataFolder, "redis.conf"));
                context.Args.Add("--port");
                context.Args.Add(redis.PrimaryEndpoint.Property(EndpointProperty.TargetPort));
            })
            .WithIconName("Database")
            .WithHealthCheck(healthCheckKey)
            .ExcludeFromManifest();
    }

    /// <summary>Keeps the data folder between runs and writes every change to the append-only file (fsync every second).</summary>
    public static IResourceBuilder<LocalRedisResource> WithDataVolume(this IResourceBuilder<LocalRedisResource> builder) =>
        builder.WithAnnotation(new KeepDataAnnotation());

    private static async Task WriteConfigAsync(LocalRedisResource redis, CancellationToken cancellationToken)
    {
        LocalDataFolder.Prepare(redis, redis.DataFolder);
        var persistent = redis.Annotations.OfType<KeepDataAnnotation>().Any();
        var password = await redis.PasswordParameter.GetValueAsync(cancellationToken).ConfigureAwait(false);
        string[] lines =
        [
            "bind 127.0.0.1",
            $"requirepass {password}",
            $"dir {redis.DataFolder}",
            "daemonize no",
            "save \"\"",
            persistent ? "appendonly yes" : "appendonly no",
            "appendfsync everysec",
        ];
        await LocalDataFolder.WritePrivateFileAsync(Path.Combine(redis.DataFolder, "redis.conf"), string.Join('\n', lines) + "\n", cancellationToken).ConfigureAwait(false);
    }
}
