using System.Net.Sockets;
using Shop.Hosting.Testing;

namespace Shop.Hosting.Tests;

/// <summary>WithDataVolume keeps a server's data from one run of the application to the next; without it each run starts empty.</summary>
public sealed class DataVolumeTests : IDisposable
{
    private readonly string _dataPath = Path.Combine(Path.GetTempPath(), "shop-volumes-" + Guid.NewGuid().ToString("N")[..8]);

    [Fact]
    public async Task Data_survives_a_restart_of_the_application_only_with_a_data_volume()
    {
        await using (var first = await StartAsync())
        {
            Assert.Equal("+OK", await RedisAsync(first, "kept", "SET greeting hello"));
            Assert.Equal("+OK", await RedisAsync(first, "fresh", "SET greeting hello"));
        }

        await using var second = await StartAsync();

        Assert.Equal("hello", await RedisAsync(second, "kept", "GET greeting"));
        Assert.Equal("$-1", await RedisAsync(second, "fresh", "GET greeting"));
        Assert.True(Directory.Exists(Path.Combine(_dataPath, "volumes", "shop-tests-kept-data")));
    }

    private async Task<DistributedApplication> StartAsync()
    {
        var builder = DistributedApplication.CreateBuilder(
            [$"--Hosting:DataPath={_dataPath}", "--Hosting:DashboardEnabled=false", "--Hosting:RandomizePorts=true"]);
        builder.AddRedis("kept").WithDataVolume("shop-tests-kept-data");
        builder.AddRedis("fresh");
        var app = builder.Build();
        await app.StartAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await app.WaitForAllHealthyAsync(timeout.Token);
        return app;
    }

    /// <summary>Sends one inline command and returns the first line of the reply (or the bulk value).</summary>
    private static async Task<string?> RedisAsync(DistributedApplication app, string resource, string command)
    {
        var connection = await app.GetConnectionStringAsync(resource);
        var port = int.Parse(connection.Split(',')[0].Split(':')[1], System.Globalization.CultureInfo.InvariantCulture);
        var password = connection.Split("password=")[1];
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        var stream = client.GetStream();
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"AUTH {password}\r\n{command}\r\n"));
        using var reader = new StreamReader(stream);
        Assert.Equal("+OK", await reader.ReadLineAsync());
        var reply = await reader.ReadLineAsync();
        return reply is not null && reply.StartsWith('$') && reply != "$-1" ? await reader.ReadLineAsync() : reply;
    }

    public void Dispose()
    {
        if (Directory.Exists(_dataPath))
        {
            Directory.Delete(_dataPath, recursive: true);
        }
    }
}
