using Shop.Hosting.ApplicationModel;

namespace Shop.Hosting;

/// <summary>Redis, Postgres and RabbitMQ: servers from the machine's binaries locally, containers in the manifest.</summary>
public static class ServerResourceExtensions
{
    public static IResourceBuilder<RedisResource> AddRedis(this IDistributedApplicationBuilder builder, string name, int? port = null) =>
        builder.AddServer(new RedisResource(name, builder.AddGeneratedPassword(name)), port, new ContainerImageAnnotation("docker.io", "library/redis", "7.4"));

    public static IResourceBuilder<PostgresServerResource> AddPostgres(this IDistributedApplicationBuilder builder, string name, int? port = null) =>
        builder.AddServer(new PostgresServerResource(name, builder.AddGeneratedPassword(name)), port, new ContainerImageAnnotation("docker.io", "library/postgres", "17.6"));

    public static IResourceBuilder<RabbitMQServerResource> AddRabbitMQ(this IDistributedApplicationBuilder builder, string name, int? port = null) =>
        builder.AddServer(new RabbitMQServerResource(name, builder.AddGeneratedPassword(name)), port, new ContainerImageAnnotation("docker.io", "library/rabbitmq", "4.1"));

    /// <summary>A database inside the server, created when the server is ready.</summary>
    public static IResourceBuilder<PostgresDatabaseResource> AddDatabase(this IResourceBuilder<PostgresServerResource> server, string name, string? databaseName = null)
    {
        var database = new PostgresDatabaseResource(name, databaseName ?? name, server.Resource);
        server.Resource.Databases.Add(database);
        return server.ApplicationBuilder.AddResource(database);
    }

    /// <summary>
    /// Keeps the server's data between runs in <c>{app data}/volumes/{volume}</c> (a named volume in the
    /// manifest). Without it every run starts with an empty server.
    /// </summary>
    public static IResourceBuilder<T> WithDataVolume<T>(this IResourceBuilder<T> builder, string? name = null)
        where T : ServerResource
    {
        var target = builder.Resource switch
        {
            RedisResource => "/data",
            PostgresServerResource => "/var/lib/postgresql/data",
            RabbitMQServerResource => "/var/lib/rabbitmq",
            _ => "/data",
        };
        builder.Resource.Annotations.Add(new DataVolumeAnnotation(name ?? $"{builder.ApplicationBuilder.Environment.ApplicationName.ToLowerInvariant()}-{builder.Resource.Name}-data", target));
        return builder;
    }

    private static IResourceBuilder<T> AddServer<T>(this IDistributedApplicationBuilder builder, T resource, int? port, ContainerImageAnnotation image)
        where T : ServerResource
    {
        resource.Annotations.Add(new EndpointAnnotation(ServerResource.PrimaryEndpointName, "tcp", port, targetPort: DefaultTargetPort(resource)));
        resource.Annotations.Add(image);
        return builder.AddResource(resource);
    }

    internal static int DefaultTargetPort(ServerResource resource) => resource switch
    {
        RedisResource => 6379,
        PostgresServerResource => 5432,
        RabbitMQServerResource => 5672,
        _ => throw new ArgumentOutOfRangeException(nameof(resource)),
    };
}
