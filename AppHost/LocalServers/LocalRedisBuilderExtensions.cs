using Microsoft.Extensions.DependencyInjection;

namespace Shop.AppHost.LocalServers;

public static class LocalRedisBuilderExtensions
{
    /// <summary>
    /// A redis-server of this machine on a loopback port with a generated password (parameter
    /// <c>{name}-password</c>), healthy once it answers an authenticated PING. Without a data volume it keeps
    /// nothing, like Aspire's container; see <see cref="WithDataVolume"/>, <see cref="WithDurableAppendOnly"/> and
    /// <see cref="WithCacheEviction"/>.
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

    /// <summary>
    /// Keeps the data folder between runs and writes every change to the append-only file (fsynced every second
    /// unless <see cref="WithDurableAppendOnly"/> asks for more).
    /// </summary>
    public static IResourceBuilder<LocalRedisResource> WithDataVolume(this IResourceBuilder<LocalRedisResource> builder) =>
        builder.WithAnnotation(new KeepDataAnnotation(), ResourceAnnotationMutationBehavior.Replace)
            .WithConfig("appendonly", "yes");

    /// <summary>
    /// A Redis whose answers survive it: the data folder is kept between runs (<see cref="WithDataVolume"/>), every
    /// change is written to the append-only file and fsynced before Redis answers (<c>appendfsync always</c>), and
    /// a full Redis refuses writes rather than evicting (<c>maxmemory-policy noeviction</c>):
    /// <see cref="RedisSettings.DurableAppendOnly"/>.
    /// </summary>
    public static IResourceBuilder<LocalRedisResource> WithDurableAppendOnly(this IResourceBuilder<LocalRedisResource> builder) =>
        builder.WithDataVolume().WithConfig(RedisSettings.DurableAppendOnly);

    /// <summary>
    /// A cache: at most <paramref name="maxMemory"/> of data (a redis.conf size, e.g. "256mb"), then the least
    /// recently used keys are evicted (<c>maxmemory-policy allkeys-lru</c>): <see cref="RedisSettings.Cache"/>.
    /// Keeps nothing across restarts unless combined with <see cref="WithDataVolume"/>.
    /// </summary>
    public static IResourceBuilder<LocalRedisResource> WithCacheEviction(this IResourceBuilder<LocalRedisResource> builder, string maxMemory = RedisSettings.CacheMaxMemory) =>
        builder.WithConfig(RedisSettings.Cache(maxMemory));

    /// <summary>Sets redis.conf directives; a directive set again later replaces the earlier value.</summary>
    public static IResourceBuilder<LocalRedisResource> WithConfig(this IResourceBuilder<LocalRedisResource> builder, IEnumerable<KeyValuePair<string, string>> directives)
    {
        foreach (var (directive, value) in directives)
        {
            builder.WithConfig(directive, value);
        }
        return builder;
    }

    /// <inheritdoc cref="WithConfig(IResourceBuilder{LocalRedisResource}, IEnumerable{KeyValuePair{string, string}})"/>
    public static IResourceBuilder<LocalRedisResource> WithConfig(this IResourceBuilder<LocalRedisResource> builder, string directive, string value)
    {
        if (directive is "bind" or "port" or "requirepass" or "dir" or "daemonize")
        {
            // Loopback only, DCP's port, the generated password and the data folder are the resource's own.
            throw new ArgumentException($"'{directive}' is set by the resource itself", nameof(directive));
        }
        return builder.WithAnnotation(new RedisConfigAnnotation(directive, value));
    }

    /// <summary>The redis.conf directives a local Redis is started with (defaults, then <see cref="WithConfig(IResourceBuilder{LocalRedisResource}, string, string)"/>, last wins).</summary>
    internal static IReadOnlyList<KeyValuePair<string, string>> ConfigOf(LocalRedisResource redis)
    {
        var directives = new List<KeyValuePair<string, string>>
        {
            // No RDB snapshots; no append-only file unless asked for (a fresh container keeps nothing either).
            new("save", "\"\""),
            new("appendonly", "no"),
            new("appendfsync", "everysec"),
        };
        foreach (var setting in redis.Annotations.OfType<RedisConfigAnnotation>())
        {
            var index = directives.FindIndex(d => d.Key == setting.Directive);
            if (index >= 0)
            {
                directives[index] = new(setting.Directive, setting.Value);
            }
            else
            {
                directives.Add(new(setting.Directive, setting.Value));
            }
        }
        return directives;
    }

    private static async Task WriteConfigAsync(LocalRedisResource redis, CancellationToken cancellationToken)
    {
        LocalDataFolder.Prepare(redis, redis.DataFolder);
        var password = await redis.PasswordParameter.GetValueAsync(cancellationToken).ConfigureAwait(false);
        string[] lines =
        [
            "bind 127.0.0.1",
            $"requirepass {password}",
            $"dir {redis.DataFolder}",
            "daemonize no",
            .. ConfigOf(redis).Select(d => $"{d.Key} {d.Value}"),
        ];
        await LocalDataFolder.WritePrivateFileAsync(Path.Combine(redis.DataFolder, "redis.conf"), string.Join('\n', lines) + "\n", cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>One redis.conf directive of a <see cref="LocalRedisResource"/>.</summary>
internal sealed class RedisConfigAnnotation(string directive, string value) : IResourceAnnotation
{
    public string Directive { get; } = directive;

    public string Value { get; } = value;
}
