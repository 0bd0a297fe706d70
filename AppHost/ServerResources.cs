using Shop.AppHost.LocalServers;
using Shop.AppHost.Monitoring;

namespace Shop.AppHost;

/// <summary>
/// The one place that chooses how Shop's servers run. Run mode (the developer's machine, the tests, the bench):
/// the machine's own binaries as Aspire executables (<see cref="LocalServers"/>), as there is no container
/// engine. Publish mode (the manifest azd deploys): Aspire's standard container resources, with image tags of the
/// same major versions that run mode tests (Debian 12: Redis 7.0, Postgres 15, RabbitMQ 3.10, Prometheus 2.42,
/// Alertmanager 0.25) and the same server settings (<see cref="RedisSettings"/>, monitoring/).
/// </summary>
internal static class ServerResources
{
    public const string RedisImageTag = "7.0";
    public const string PostgresImageTag = "15";
    public const string RabbitMQImageTag = "3.10";
    public const string PrometheusImageTag = "v2.42.0";
    public const string AlertmanagerImageTag = "v0.25.0";

    /// <summary>Where the containers find the monitoring folder (a read-only bind mount of it).</summary>
    private const string MonitoringMount = "/etc/shop-monitoring";

    /// <summary>
    /// A Redis that is a cache (the catalog's): it may evict (<see cref="RedisSettings.Cache"/>: at most 256 MiB,
    /// then least recently used keys go) and keeps nothing across restarts, like Aspire's container without a volume.
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddRedisCache(this IDistributedApplicationBuilder builder, string name) =>
        builder.ExecutionContext.IsPublishMode
            ? builder.AddRedis(name).WithImageTag(RedisImageTag).WithRedisServerSettings(RedisSettings.Cache())
            : builder.AddLocalRedis(name).WithCacheEviction();

    /// <summary>
    /// A Redis that holds state nothing else has yet (the flash-sale gate): its data outlives the app (a volume, or a
    /// kept folder in run mode), every write is fsynced to the append-only file before Redis answers, and it never
    /// evicts (<see cref="RedisSettings.DurableAppendOnly"/>).
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddDurableRedis(this IDistributedApplicationBuilder builder, string name) =>
        builder.ExecutionContext.IsPublishMode
            ? builder.AddRedis(name).WithImageTag(RedisImageTag).WithDataVolume().WithRedisServerSettings(RedisSettings.DurableAppendOnly)
            : builder.AddLocalRedis(name).WithDurableAppendOnly();

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

    /// <summary>
    /// A RabbitMQ broker whose queues and persistent messages outlive the app, with one user, Shop's own
    /// (<see cref="LocalRabbitMQResource.UserName"/>), and no <c>guest</c>. The container gets it as the parameter
    /// <c>{name}-user</c> (default <c>shop</c>), which Aspire passes as RABBITMQ_DEFAULT_USER: the broker then creates
    /// that user instead of guest.
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddRabbitMQServer(this IDistributedApplicationBuilder builder, string name) =>
        builder.ExecutionContext.IsPublishMode
            ? builder.AddRabbitMQ(name, userName: builder.AddParameter($"{name}-user", LocalRabbitMQResource.UserName, publishValueAsDefault: true))
                .WithImageTag(RabbitMQImageTag).WithDataVolume()
            : builder.AddLocalRabbitMQ(name).WithDataVolume();

    /// <summary>
    /// The Alertmanager Prometheus sends alerts to, routed as monitoring/alertmanager.yml says; healthy once
    /// <c>/-/ready</c> answers.
    /// </summary>
    public static IResourceBuilder<IResourceWithEndpoints> AddAlertmanagerServer(this IDistributedApplicationBuilder builder, string name) =>
        builder.ExecutionContext.IsPublishMode
            ? builder.AddContainer(name, "prom/alertmanager", AlertmanagerImageTag).WithImageRegistry("docker.io")
                .WithBindMount(MonitoringOptions.From(builder).ConfigPath, MonitoringMount, isReadOnly: true)
                .WithArgs($"--config.file={MonitoringMount}/{LocalAlertmanagerBuilderExtensions.ConfigFileName}", "--storage.path=/alertmanager")
                .WithVolume($"{name}-data", "/alertmanager")
                .WithHttpEndpoint(targetPort: 9093, name: "http")
                .WithHttpHealthCheck("/-/ready")
            : builder.AddLocalAlertmanager(name);

    /// <summary>
    /// The Prometheus that scrapes every replica of the resources marked <see cref="MetricsEndpointExtensions.WithMetricsEndpoint"/>,
    /// evaluates monitoring/alerts.yml and alerts <paramref name="alertmanager"/> (made by <see cref="AddAlertmanagerServer"/>).
    /// In run mode the AppHost writes its targets (each replica's own port); a deployment fills the same
    /// <c>targets/*.json</c> files or replaces the discovery with its platform's (docs/monitoring.md).
    /// </summary>
    public static IResourceBuilder<IResourceWithEndpoints> AddPrometheusServer(this IDistributedApplicationBuilder builder, string name, IResourceBuilder<IResourceWithEndpoints> alertmanager) =>
        alertmanager switch
        {
            IResourceBuilder<LocalAlertmanagerResource> local => builder.AddLocalPrometheus(name, local),
            IResourceBuilder<ContainerResource> container => builder.AddContainer(name, "prom/prometheus", PrometheusImageTag).WithImageRegistry("docker.io")
                .WithBindMount(MonitoringOptions.From(builder).ConfigPath, MonitoringMount, isReadOnly: true)
                .WithArgs($"--config.file={MonitoringMount}/{PrometheusConfig.FileName}", "--storage.tsdb.path=/prometheus")
                .WithVolume($"{name}-data", "/prometheus")
                .WithHttpEndpoint(targetPort: 9090, name: "http")
                .WithHttpHealthCheck("/-/ready")
                .WaitFor(container),
            _ => throw new ArgumentException($"'{alertmanager.Resource.Name}' is not an Alertmanager of AddAlertmanagerServer", nameof(alertmanager)),
        };

    /// <summary>
    /// Adds <c>--directive value</c> pairs to the container's redis-server command line. Aspire's <c>AddRedis</c>
    /// starts the container as <c>/bin/sh -c "redis-server --requirepass $REDIS_PASSWORD [--save …]"</c> (so that
    /// the password comes from the environment), which means arguments appended after it would go to the shell, not
    /// to Redis: the settings are appended to that one command string instead. This callback runs after Aspire's
    /// (callbacks run in the order they were added) and fails loudly should a later Aspire build the command
    /// differently.
    /// </summary>
    private static IResourceBuilder<RedisResource> WithRedisServerSettings(this IResourceBuilder<RedisResource> builder, IEnumerable<KeyValuePair<string, string>> settings) =>
        builder.WithArgs(context =>
        {
            var command = context.Args.IndexOf("-c") + 1;
            if (command <= 0 || command >= context.Args.Count || context.Args[command] is not string redisServer
                || !redisServer.StartsWith("redis-server", StringComparison.Ordinal))
            {
                throw new InvalidOperationException(
                    $"{builder.Resource.Name}: Aspire's Redis container no longer runs '/bin/sh -c \"redis-server …\"' (its arguments: {string.Join(' ', context.Args)}); its settings cannot be added.");
            }
            context.Args[command] = string.Join(' ', [redisServer, .. settings.Select(s => $"--{s.Key} {s.Value}")]);
        });
}
