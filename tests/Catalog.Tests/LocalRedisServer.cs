using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Shop.Catalog.Tests;

/// <summary>
/// A redis-server of the test's own (Debian's <c>/usr/bin/redis-server</c>) on a free loopback port, in a temp dir,
/// without persistence: stopping it loses everything, like killing the composition's Redis.
/// </summary>
public sealed class LocalRedisServer : IAsyncDisposable
{
    private const string Executable = "/usr/bin/redis-server";

    private readonly string _directory = Directory.CreateTempSubdirectory("shop-redis-").FullName;
    private Process? _process;

    private LocalRedisServer(int port) => Port = port;

    public int Port { get; }

    /// <summary>For the client: short timeouts, so that a stopped server fails reads in a second, not five.</summary>
    public string ConnectionString => $"127.0.0.1:{Port},abortConnect=false,connectTimeout=2000,asyncTimeout=1000,syncTimeout=1000";

    /// <summary>For the test's own look at the server (KEYS, CLIENT PAUSE are admin commands to the client).</summary>
    public string AdminConnectionString => ConnectionString + ",allowAdmin=true";

    public static async Task<LocalRedisServer> StartAsync()
    {
        var server = new LocalRedisServer(FreePort());
        await server.RestartAsync();
        return server;
    }

    /// <summary>Starts the server (again) on the same port, empty.</summary>
    public async Task RestartAsync()
    {
        if (_process is not null)
        {
            throw new InvalidOperationException("The server is running.");
        }
        var start = new ProcessStartInfo(Executable) { UseShellExecute = false, WorkingDirectory = _directory };
        foreach (var argument in new[]
        {
            "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
            "--dir", _directory, "--logfile", Path.Combine(_directory, "redis.log"),
            "--save", "", "--appendonly", "no", "--daemonize", "no",
        })
        {
            start.ArgumentList.Add(argument);
        }
        _process = Process.Start(start) ?? throw new InvalidOperationException($"{Executable} did not start.");
        await WaitUntilListeningAsync();
    }

    /// <summary>Kills the server (no shutdown, no save): what it held is gone.</summary>
    public async Task StopAsync()
    {
        if (_process is null)
        {
            return;
        }
        _process.Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task WaitUntilListeningAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && _process is { HasExited: false })
            {
                await Task.Delay(20);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
