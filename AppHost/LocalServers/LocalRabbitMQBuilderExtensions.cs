using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;

namespace Shop.AppHost.LocalServers;

public static partial class LocalRabbitMQBuilderExtensions
{
    /// <summary>
    /// A rabbitmq-server of this machine with its own epmd (resource <c>{name}-epmd</c>: Erlang's port mapper
    /// would otherwise start as a daemon and outlive the app), every port on loopback, one user,
    /// <see cref="LocalRabbitMQResource.UserName"/>, with the generated password parameter <c>{name}-password</c>
    /// (no <c>guest</c>); healthy once an AMQP connection opens as that user.
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
        var guestMayExist = false;
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(rabbit, async (_, ct) =>
            guestMayExist = await WriteConfigAsync(rabbit, ct).ConfigureAwait(false));

        var healthCheckKey = $"{name}_check";
        // One connection for every check (as Aspire's own check does); the client's recovery reopens it after a restart.
        // The broker is healthy only once guest is gone from a data folder an earlier version made (RemoveGuestAsync),
        // so nothing that waits for it ever sees a broker with guest.
        IConnection? healthConnection = null;
        builder.Services.AddHealthChecks().AddRabbitMQ(
            async services =>
            {
                if (healthConnection is not null)
                {
                    return healthConnection;
                }
                var connection = await OpenConnectionAsync(connectionString).ConfigureAwait(false);
                if (guestMayExist)
                {
                    try
                    {
                        await RemoveGuestAsync(rabbit, epmdEndpoint, services.GetRequiredService<ILogger<LocalRabbitMQResource>>()).ConfigureAwait(false);
                    }
                    catch
                    {
                        await connection.DisposeAsync().ConfigureAwait(false);
                        throw;
                    }
                    guestMayExist = false;
                }
                return healthConnection = connection;
            },
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

    private static Task<IConnection> OpenConnectionAsync(string? connectionString)
    {
        // No RejectedPassword here (Postgres has it): the definitions give the user the parameter's password at every
        // start, so a kept broker never holds another one (WriteConfigAsync).
        var factory = new ConnectionFactory
        {
            Uri = new Uri(connectionString ?? throw new InvalidOperationException("RabbitMQ has no connection string yet")),
            RequestedConnectionTimeout = TimeSpan.FromSeconds(3),
            ClientProvidedName = "shop-apphost-health",
        };
        return factory.CreateConnectionAsync();
    }

    /// <summary>The file the broker loads its users, virtual host and permissions from at every start.</summary>
    internal const string DefinitionsFileName = "definitions.json";

    /// <summary>Written once guest is known to be absent from the data folder (a new folder, or one whose guest was deleted).</summary>
    internal const string NoGuestMarkerFileName = "no-guest";

    /// <summary>
    /// Writes rabbitmq.conf and the definitions it loads; returns whether the kept data folder may still hold the
    /// <c>guest</c> user an earlier version of Shop created (then <see cref="RemoveGuestAsync"/> runs once the broker is up).
    /// </summary>
    /// <remarks>
    /// The user is made by <c>load_definitions</c>, not by <c>default_user</c>/<c>default_pass</c>: those apply to a new
    /// database only, while definitions are imported at every start, before the broker opens its AMQP listener. So
    /// the same file makes Shop's user on a new data folder (with definitions to load, the broker seeds neither the
    /// default user nor guest), adds it to a kept folder an earlier version made (where guest was the user), and gives
    /// it the parameter's password whatever password the folder was made with: the AppHost's parameter is the
    /// password, and a lost or changed one no longer locks the broker's data away. Only the password's salted
    /// SHA-256 is on disk (<see cref="PasswordHash"/>). Definitions only add and update, so deleting guest from an
    /// old folder takes rabbitmqctl (<see cref="RemoveGuestAsync"/>).
    /// </remarks>
    private static async Task<bool> WriteConfigAsync(LocalRabbitMQResource rabbit, CancellationToken cancellationToken)
    {
        LocalDataFolder.Prepare(rabbit, rabbit.DataFolder);
        var password = await rabbit.PasswordParameter.GetValueAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"{rabbit.PasswordParameter.Name} has no value");
        var definitions = Path.Combine(rabbit.DataFolder, DefinitionsFileName);
        await LocalDataFolder.WritePrivateFileAsync(definitions, Definitions(password), cancellationToken).ConfigureAwait(false);
        await LocalDataFolder.WritePrivateFileAsync(Path.Combine(rabbit.DataFolder, "rabbitmq.conf"), $"load_definitions = {definitions}\n", cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(rabbit.DataFolder, "enabled_plugins"), "[].\n", cancellationToken).ConfigureAwait(false);

        var marker = Path.Combine(rabbit.DataFolder, NoGuestMarkerFileName);
        if (File.Exists(marker))
        {
            return false;
        }
        if (!Directory.Exists(Path.Combine(rabbit.DataFolder, "mnesia")))
        {
            // A new database: the definitions make it, and guest is never created.
            await File.WriteAllTextAsync(marker, "", cancellationToken).ConfigureAwait(false);
            return false;
        }
        return true;
    }

    /// <summary>
    /// Shop's user, with all rights on the default virtual host (the services declare their exchange and queues) and
    /// no tags (it administers nothing), and the virtual host itself, which a new database gets only from here.
    /// </summary>
    internal static string Definitions(string password)
    {
        var definitions = new JsonObject
        {
            ["users"] = new JsonArray(new JsonObject
            {
                ["name"] = LocalRabbitMQResource.UserName,
                ["password_hash"] = PasswordHash(password, RandomNumberGenerator.GetBytes(4)),
                ["hashing_algorithm"] = "rabbit_password_hashing_sha256",
                ["tags"] = new JsonArray(),
            }),
            ["vhosts"] = new JsonArray(new JsonObject { ["name"] = "/" }),
            ["permissions"] = new JsonArray(new JsonObject
            {
                ["user"] = LocalRabbitMQResource.UserName,
                ["vhost"] = "/",
                ["configure"] = ".*",
                ["write"] = ".*",
                ["read"] = ".*",
            }),
        };
        return definitions.ToJsonString();
    }

    /// <summary>RabbitMQ's <c>rabbit_password_hashing_sha256</c>: base64(salt + SHA-256(salt + UTF-8 password)), a 4-byte salt.</summary>
    internal static string PasswordHash(string password, byte[] salt) =>
        Convert.ToBase64String([.. salt, .. SHA256.HashData([.. salt, .. Encoding.UTF8.GetBytes(password)])]);

    /// <summary>
    /// Deletes <c>guest</c> from a data folder an earlier version made (its user then), with the broker's own rabbitmqctl
    /// (beside rabbitmq-server), which reaches the node through the same Erlang cookie (HOME), epmd and node name.
    /// Idempotent: a guest already gone counts as done. Runs at most once per folder (the marker file); a failure
    /// keeps the broker unhealthy, with rabbitmqctl's answer, and is tried again at the next check.
    /// </summary>
    private static async Task RemoveGuestAsync(LocalRabbitMQResource rabbit, EndpointReference epmd, ILogger logger)
    {
        var start = RabbitMQCtl(rabbit, epmd.Port, "delete_user", "guest");
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{rabbit.Name}: 'rabbitmqctl delete_user guest' did not finish within a minute");
        }
        // 67 (EX_NOUSER): guest is not there.
        if (process.ExitCode is not (0 or NoSuchUserExitCode))
        {
            throw new InvalidOperationException(
                $"{rabbit.Name}: 'rabbitmqctl delete_user guest' failed with exit code {process.ExitCode}: {await output.ConfigureAwait(false)} {await error.ConfigureAwait(false)}");
        }
        await File.WriteAllTextAsync(Path.Combine(rabbit.DataFolder, NoGuestMarkerFileName), "").ConfigureAwait(false);
        if (process.ExitCode == 0)
        {
            LogGuestRemoved(logger, rabbit.Name, rabbit.DataFolder, LocalRabbitMQResource.UserName);
        }
    }

    private const int NoSuchUserExitCode = 67;

    /// <summary>
    /// rabbitmqctl of the broker's own installation (beside rabbitmq-server) aimed at <paramref name="rabbit"/>'s node:
    /// the same Erlang cookie (HOME is the data folder), epmd (<paramref name="epmdPort"/>) and node name.
    /// </summary>
    internal static ProcessStartInfo RabbitMQCtl(LocalRabbitMQResource rabbit, int epmdPort, params string[] arguments)
    {
        var start = new ProcessStartInfo(Path.Combine(Path.GetDirectoryName(rabbit.Command)!, "rabbitmqctl"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = rabbit.DataFolder,
        };
        foreach (var argument in (string[])["-n", NodeName(rabbit), .. arguments])
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["HOME"] = rabbit.DataFolder;
        start.Environment["ERL_EPMD_PORT"] = epmdPort.ToString(CultureInfo.InvariantCulture);
        start.Environment["ERL_EPMD_ADDRESS"] = "127.0.0.1";
        // As for the broker: never start an epmd daemon; and the CLI's own distribution listener on loopback only.
        start.Environment["ERL_AFLAGS"] = "-start_epmd false -kernel inet_dist_use_interface {127,0,0,1}";
        start.Environment["RABBITMQ_CONF_ENV_FILE"] = Path.Combine(rabbit.DataFolder, "rabbitmq-env.conf");
        return start;
    }

    [LoggerMessage(Level = LogLevel.Information, Message =
        "{Server}: deleted the user guest that an earlier version of Shop made in {DataFolder}; the services connect as {User}.")]
    private static partial void LogGuestRemoved(ILogger logger, string server, string dataFolder, string user);
}
