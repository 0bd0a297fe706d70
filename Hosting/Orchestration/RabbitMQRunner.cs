using System.Globalization;
using RabbitMQ.Client;
using Shop.Hosting.ApplicationModel;

namespace Shop.Hosting.Orchestration;

/// <summary>
/// rabbitmq-server with its own epmd on a private port: the Erlang port mapper would otherwise start as a
/// daemon of its own and outlive the AppHost. The node name is derived from the data folder so that a data
/// volume finds its node's database again.
/// </summary>
internal sealed class RabbitMQRunner(ResourceState state, RunContext context, RabbitMQServerResource rabbit) : ProcessRunner(state, context)
{
    private int _epmdPort;

    public override int StopOrder => 2;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        var server = Context.Binaries.Find(ServerBinary.RabbitMQServer);
        var epmd = Context.Binaries.Find(ServerBinary.Epmd);
        _epmdPort = PortAllocator.GetFreePort();
        var data = Context.DataFolder(rabbit);
        await AddHelper("epmd", _ => Task.FromResult(new ProcessSpec(epmd,
            ["-port", _epmdPort.ToString(CultureInfo.InvariantCulture), "-address", "127.0.0.1"], data))).StartAsync(cancellationToken).ConfigureAwait(false);
        await StartServerAsync(_ => Task.FromResult(CreateServerSpec(server, data)), cancellationToken).ConfigureAwait(false);
    }

    private ProcessSpec CreateServerSpec(string server, string data)
    {
        var port = PrimaryEndpoint!.Allocated!.Port;
        var config = Path.Combine(data, "rabbitmq.conf");
        File.WriteAllText(config, string.Join('\n',
            $"listeners.tcp.default = 127.0.0.1:{port}",
            $"default_user = {RabbitMQServerResource.UserName}",
            $"default_pass = {rabbit.PasswordParameter.Value}",
            // guest may connect only from loopback by default; everything here is loopback, but be explicit.
            "loopback_users = none",
            "") + "\n");
        UnixFiles.MakePrivate(config);
        File.WriteAllText(Path.Combine(data, "enabled_plugins"), "[].\n");
        var nodeName = $"shop-{rabbit.Name}-{(uint)StringComparer.Ordinal.GetHashCode(data) % 100000}@localhost";
        var environment = new Dictionary<string, string>
        {
            // HOME holds the Erlang cookie; one per data folder keeps parallel runs apart.
            ["HOME"] = data,
            ["ERL_EPMD_PORT"] = _epmdPort.ToString(CultureInfo.InvariantCulture),
            ["RABBITMQ_NODENAME"] = nodeName,
            ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_NODE_PORT"] = port.ToString(CultureInfo.InvariantCulture),
            ["RABBITMQ_DIST_PORT"] = PortAllocator.GetFreePort().ToString(CultureInfo.InvariantCulture),
            ["RABBITMQ_CONFIG_FILE"] = config,
            ["RABBITMQ_CONF_ENV_FILE"] = Path.Combine(data, "rabbitmq-env.conf"),
            ["RABBITMQ_ADVANCED_CONFIG_FILE"] = Path.Combine(data, "advanced.config"),
            ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(data, "enabled_plugins"),
            ["RABBITMQ_MNESIA_BASE"] = Path.Combine(data, "mnesia"),
            ["RABBITMQ_LOG_BASE"] = Path.Combine(data, "log"),
            ["RABBITMQ_LOGS"] = "-",
            ["RABBITMQ_PID_FILE"] = Path.Combine(data, "rabbitmq.pid"),
        };
        return new ProcessSpec(server, [], data) { Environment = environment };
    }

    public override async Task<HealthResult> CheckHealthAsync(CancellationToken cancellationToken)
    {
        try
        {
            var factory = new ConnectionFactory
            {
                Uri = new Uri(await rabbit.ConnectionStringExpression.GetValueAsync(cancellationToken).ConfigureAwait(false) ?? ""),
                RequestedConnectionTimeout = TimeSpan.FromSeconds(3),
                AutomaticRecoveryEnabled = false,
                ClientProvidedName = "shop-apphost-health",
            };
            await using var connection = await factory.CreateConnectionAsync(cancellationToken).ConfigureAwait(false);
            await connection.CloseAsync(cancellationToken).ConfigureAwait(false);
            return HealthResult.Healthy();
        }
        catch (Exception e) when (e is RabbitMQ.Client.Exceptions.BrokerUnreachableException or IOException or System.Net.Sockets.SocketException or TimeoutException)
        {
            return HealthResult.Unhealthy(e.Message);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The client's own connection timeout, not ours.
            return HealthResult.Unhealthy("no AMQP answer in time");
        }
    }
}
