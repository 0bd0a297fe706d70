using Shop.AppHost.LocalServers;

namespace Shop.AppHost;

/// <summary>
/// The one place that chooses how Shop's servers run. Run mode (the developer's machine, the tests, the bench):
/// the machine's own binaries as Aspire executables (<see cref="LocalServers"/>), as there is no container
/// engine. Publish mode (the manifest azd deploys): Aspire's standard container resources, with image tags of the
/// same major versions that run mode tests (Debian 12: Redis 7.0, Postgres 15, RabbitMQ 3.10).
/// </summary>
internal static class ServerResources
{
    public const string RedisImageTag = "7.0";
    public const string PostgresImageTag = "15";
    public const string RabbitMQImageTag = "3.10";

    public static IResourceBuilder<IResourceWithConnectionString> AddRedisServer(this IDistributedApplicationBuilder builder, string name) =>
        builder.ExecutionContext.IsPublishMode
            ? builder.AddRedis(name).WithImageTag(RedisImageTag)
            : builder.AddLocalRedis(name);

    /// <summary>A Postgres server whose data outlives the app (a volume, or a kept folder in run mode).</summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddPostgresServer(this IDistributedApplicationBuilder builder, string name) =>
        builder.ExecutionContext.IsPublishMode
            ? builder.AddPostgres(name).WithImageTag(PostgresImageTag).WithDataVolume()
            : builder.AddLocalPostgres(name).WithDataVolume();

    /// <summary>A database of a server made by <see cref="AddPostgresServer"/>, created once the server is ready.</summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddPostgresDatabase(this IResourceBuilder<IResourceWithConnectionString> server, string name) =>
        server switch
        {
            IResourceBuilder<PostgresServerResource> container => container.AddDatabase(name),
            IResourceBuilder<LocalPostgresServerResource> local => local.AddDatabase(name),
            _ => throw new ArgumentException($"'{server.Resource.Name}' is not a Postgres server", nameof(server)),
        };

    /// <summary>A RabbitMQ broker whose queues and persistent messages outlive the app.</summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddRabbitMQServer(this IDistributedApplicationBuilder builder, string name) =>
        builder.ExecutionContext.IsPublishMode
            ? builder.AddRabbitMQ(name).WithImageTag(RabbitMQImageTag).WithDataVolume()
            : builder.AddLocalRabbitMQ(name).WithDataVolume();
}
