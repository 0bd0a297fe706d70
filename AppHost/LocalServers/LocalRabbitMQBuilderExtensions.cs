using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Shop.AppHost.LocalServers;

public static class LocalRabbitMQBuilderExtensions
{
    /// <summary>
    /// A rabbitmq-server of this machine with its own epmd (resource <c>{name}-epmd</c>: Erlang's port mapper
    /// would otherwise start as a daemon and outlive the app), every port on loopback, the generated password
    /// parameter <c>{name}-password</c>; healthy once an AMQP connection opens.
    /// </summary>
    public static IResourceBuilder<LocalRabbitMQResource> AddLocalRabbitMQ(this IDistributedApplicationBuilder builder, [ResourceName] string name)
    {
        var password = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-password", special: false);
        var folder = LocalDataFolder.For(builder, name);
        var rabbit = new LocalRabbitMQResource(name, ServerBinary.RabbitMQServer.Locate(builder.Configuration), folder, password);

        var epmd = builder.AddExecutable($"{name}-epmd", ServerBinary.Epmd.Locate(builder.Configuration), folder)
            .WithLoopbackEndpoint("tcp");
        var epmdEndpoint = epmd.GetEndpoint("tcp");
        // epmd runs in the broker's data folder and starts first (the broker waits for it), before the broker's own
        // start has made the folder: on a fresh data path DCP could not chdir into it (seen: FailedToStart).
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(epmd.Resource, (_, _) =>
        {
            Directory.CreateDirectory(folder);
            return Task.CompletedTask;
        });
        epmd.WithArgs(context =>
            {
                context.Args.Add("-address");
                context.Args.Add("127.0.0.1");
                context.Args.Add("-port");
                context.Args.Add(epmdEndpoint.Property(EndpointProperty.TargetPort));
            })
            .WithParentRelationship(rabbit)
            .ExcludeFromManifest();

        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(rabbit, async (_, ct) =>
            connectionString = await rabbit.ConnectionStringExpression.GetValueAsync(ct).ConfigureAwait(false));
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(rabbit, (_, ct) => WriteConfigAsync(rabbit, ct));

        var healthCheckKey = $"{name}_check";
        // One connection for every check (as Aspire's own check does); the client's recovery reopens it after a restart.
        IConnection? healthConnection = null;
        builder.Services.TryAddSingleton<RejectedPassword>();
        builder.Services.AddHealthChecks().AddRabbitMQ(
            async services => healthConnection ??= await OpenConnectionAsync(rabbit, connectionString, services.GetRequiredService<RejectedPassword>()).ConfigureAwait(false),
            name: healthCheckKey);

        return builder.AddResource(rabbit)
            .WithLoopbackEndpoint(LocalRabbitMQResource.PrimaryEndpointName, scheme: "amqp")
            .WithLoopbackEndpoint(LocalRabbitMQResource.DistributionEndpointName)
            .WithEnvironment(context =>
            {
                var env = context.EnvironmentVariables;
                // HOME holds the Erlang cookie: one per data folder keeps parallel apps apart.
                env["HOME"] = folder;
                env["ERL_EPMD_PORT"] = epmdEndpoint.Property(EndpointProperty.TargetPort);
                env["RABBITMQ_NODENAME"] = NodeName(rabbit);
                env["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1";
                env["RABBITMQ_NODE_PORT"] = rabbit.PrimaryEndpoint.Property(EndpointProperty.TargetPort);
                env["RABBITMQ_DIST_PORT"] = rabbit.DistributionEndpoint.Property(EndpointProperty.TargetPort);
                // Erlang's distribution listener binds to all interfaces unless told otherwise.
                env["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-kernel inet_dist_use_interface {127,0,0,1}";
                // An Erlang node that finds no epmd starts `epmd -daemon` itself, which outlives the app. The broker
                // does so on purpose too: rabbit_epmd_monitor checks its registration every minute and, when epmd
                // is gone (e.g. {name}-epmd stopped first while the app shuts down), runs a helper `erl` that starts
                // one (seen: a stray daemon after a test app). ERL_AFLAGS reaches every erl this environment starts,
                // that helper included: they use the epmd resource or fail. Should one start anyway, loopback only.
                env["ERL_AFLAGS"] = "-start_epmd false";
                env["ERL_EPMD_ADDRESS"] = "127.0.0.1";
                env["RABBITMQ_CONFIG_FILE"] = Path.Combine(folder, "rabbitmq.conf");
                env["RABBITMQ_CONF_ENV_FILE"] = Path.Combine(folder, "rabbitmq-env.conf");
                env["RABBITMQ_ADVANCED_CONFIG_FILE"] = Path.Combine(folder, "advanced.config");
                env["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(folder, "enabled_plugins");
                env["RABBITMQ_MNESIA_BASE"] = Path.Combine(folder, "mnesia");
                env["RABBITMQ_LOG_BASE"] = Path.Combine(folder, "log");
                env["RABBITMQ_LOGS"] = "-";
                env["RABBITMQ_PID_FILE"] = Path.Combine(folder, "rabbitmq.pid");
            })
            .WaitFor(epmd)
            .WithIconName("Mail")
            .WithHealthCheck(healthCheckKey)
            .ExcludeFromManifest();
    }

    /// <summary>Keeps queues and messages between runs (the run-mode analogue of a data volume).</summary>
    public static IResourceBuilder<LocalRabbitMQResource> WithDataVolume(this IResourceBuilder<LocalRabbitMQResource> builder) =>
        builder.WithAnnotation(new KeepDataAnnotation());

    /// <summary>
    /// Stable for a data folder, so that a kept Mnesia database (mnesia/{node}) finds its node again at the next start;
    /// distinct between folders, so that parallel apps never share a node. A hash that every process computes alike:
    /// string.GetHashCode, used before, is seeded anew in every process, so each AppHost run got a new node name and
    /// an empty broker (its durable queues and persistent messages left behind under the old name).
    /// </summary>
    internal static string NodeName(LocalRabbitMQResource rabbit) =>
        $"shop-{rabbit.Name}-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(rabbit.DataFolder)))[..10]}@localhost";

    private static async Task<IConnection> OpenConnectionAsync(LocalRabbitMQResource rabbit, string? connectionString, RejectedPassword rejectedPassword)
    {
        var factory = new ConnectionFactory
        {
            Uri = new Uri(connectionString ?? throw new InvalidOperationException("RabbitMQ has no connection string yet")),
            RequestedConnectionTimeout = TimeSpan.FromSeconds(3),
            ClientProvidedName = "shop-apphost-health",
        };
        try
        {
            return await factory.CreateConnectionAsync().ConfigureAwait(false);
        }
        catch (BrokerUnreachableException e) when (e.InnerException is AuthenticationFailureException refused)
        {
            // The broker keeps the user it was first started with (default_user/default_pass apply to a new database only).
            rejectedPassword.StopTheApp(rabbit, rabbit.PasswordParameter, rabbit.DataFolder, refused.Message);
            throw;
        }
    }

    private static async Task WriteConfigAsync(LocalRabbitMQResource rabbit, CancellationToken cancellationToken)
    {
        LocalDataFolder.Prepare(rabbit, rabbit.DataFolder);
        var password = await rabbit.PasswordParameter.GetValueAsync(cancellationToken).ConfigureAwait(false);
        string[] lines =
        [
            $"default_user = {LocalRabbitMQResource.UserName}",
            $"default_pass = {password}",
            // guest may connect only from loopback by default; everything here is loopback, but be explicit.
            "loopback_users = none",
        ];
        await LocalDataFolder.WritePrivateFileAsync(Path.Combine(rabbit.DataFolder, "rabbitmq.conf"), string.Join('\n', lines) + "\n", cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(rabbit.DataFolder, "enabled_plugins"), "[].\n", cancellationToken).ConfigureAwait(false);
    }
}
