using System.Net.Sockets;
using System.Text;
using Shop.Hosting.ApplicationModel;

namespace Shop.Hosting.Orchestration;

/// <summary>redis-server on a loopback port with a password; persistence (AOF) only with a data volume.</summary>
internal sealed class RedisRunner(ResourceState state, RunContext context, RedisResource redis) : ProcessRunner(state, context)
{
    public override int StopOrder => 2;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var binary = Context.Binaries.Find(ServerBinary.RedisServer);
        return StartServerAsync(_ =>
        {
            var data = Context.DataFolder(redis);
            var persistent = redis.Annotations.OfType<DataVolumeAnnotation>().Any();
            var config = Path.Combine(data, "redis.conf");
            // A config file (mode 600) keeps the password out of the process list.
            File.WriteAllText(config, string.Join('\n',
                "bind 127.0.0.1",
                $"port {PrimaryEndpoint!.Allocated!.Port}",
                $"requirepass {redis.PasswordParameter.Value}",
                $"dir {data}",
                "daemonize no",
                "save \"\"",
                persistent ? "appendonly yes" : "appendonly no",
                "appendfsync everysec",
                "") + "\n");
            UnixFiles.MakePrivate(config);
            return Task.FromResult(new ProcessSpec(binary, [config], data));
        }, cancellationToken);
    }

    public override async Task<HealthResult> CheckHealthAsync(CancellationToken cancellationToken)
    {
        var port = PrimaryEndpoint!.Allocated!.Port;
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", port, cancellationToken).ConfigureAwait(false);
            var stream = client.GetStream();
            var password = redis.PasswordParameter.Value;
            var command = $"*2\r\n$4\r\nAUTH\r\n${password.Length}\r\n{password}\r\n*1\r\n$4\r\nPING\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(command), cancellationToken).ConfigureAwait(false);
            using var reader = new StreamReader(stream, Encoding.ASCII);
            var auth = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            var ping = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            return auth == "+OK" && ping == "+PONG"
                ? HealthResult.Healthy()
                : HealthResult.Unhealthy($"unexpected reply to AUTH/PING: {auth} {ping}");
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            return HealthResult.Unhealthy(e.Message);
        }
    }
}
