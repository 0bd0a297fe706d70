using Aspire.Hosting.Testing;
using Npgsql;
using Shop.Testing;
using StackExchange.Redis;

namespace Shop.AppHost.Tests;

/// <summary>
/// Two runs of the app on one data folder: what Postgres, RabbitMQ and the gate hold (data volumes; the gate's
/// append-only file) is there again, and the cache (no volume, like Aspire's container) starts empty.
/// </summary>
[Collection(OneAtATime.Name)]
public sealed class DataVolumeTests
{
    [Fact]
    public async Task Postgres_RabbitMQ_and_the_gate_keep_their_data_between_runs_and_the_cache_starts_empty()
    {
        var folder = AppIsolation.CreateDataFolder("shop-volume-");
        // The same passwords in both runs, as the AppHost's user secrets give a developer's runs.
        var passwords = new Dictionary<string, string?>
        {
            ["Parameters:postgres-password"] = "volume-test-" + Guid.NewGuid().ToString("N"),
            ["Parameters:messaging-password"] = "volume" + Guid.NewGuid().ToString("N"),
            ["Parameters:cache-password"] = "volume" + Guid.NewGuid().ToString("N"),
            ["Parameters:gate-password"] = "volume" + Guid.NewGuid().ToString("N"),
        };
        string[] servers = ["cache", "gate", "postgres", "catalogdb", "messaging"];
        var marker = Guid.NewGuid().ToString("N");
        try
        {
            await using (var first = await ShopApp.StartAsync(only: servers, configuration: passwords, dataFolder: folder))
            {
                await using var db = NpgsqlDataSource.Create((await first.App.GetConnectionStringAsync("catalogdb"))!);
                await db.CreateCommand("CREATE TABLE volume_marker (value text)").ExecuteNonQueryAsync();
                await using (var insert = db.CreateCommand($"INSERT INTO volume_marker VALUES ('{marker}')"))
                {
                    await insert.ExecuteNonQueryAsync();
                }
                await using var redis = await ConnectionMultiplexer.ConnectAsync((await first.App.GetConnectionStringAsync("cache"))!);
                await redis.GetDatabase().StringSetAsync("volume-marker", marker);
                await using var gate = await ConnectionMultiplexer.ConnectAsync((await first.App.GetConnectionStringAsync("gate"))!);
                await gate.GetDatabase().StringSetAsync("volume-marker", marker);
                await gate.GetDatabase().StreamAddAsync("volume-stream", "marker", marker);
                await DeclareQueueAsync(first, publish: marker);
            }

            await using var second = await ShopApp.StartAsync(only: servers, configuration: passwords, dataFolder: folder);
            await using (var db = NpgsqlDataSource.Create((await second.App.GetConnectionStringAsync("catalogdb"))!))
            {
                Assert.Equal(marker, await db.CreateCommand("SELECT value FROM volume_marker").ExecuteScalarAsync());
            }
            await using (var redis = await ConnectionMultiplexer.ConnectAsync((await second.App.GetConnectionStringAsync("cache"))!))
            {
                Assert.False(await redis.GetDatabase().KeyExistsAsync("volume-marker"));
            }
            await using (var gate = await ConnectionMultiplexer.ConnectAsync((await second.App.GetConnectionStringAsync("gate"))!))
            {
                Assert.Equal(marker, (string?)await gate.GetDatabase().StringGetAsync("volume-marker"));
                Assert.Equal(marker, (string?)(await gate.GetDatabase().StreamRangeAsync("volume-stream")).Single()["marker"]);
            }
            Assert.Equal(marker, await DeclareQueueAsync(second, publish: null));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>A durable queue with one persistent message: published in the first run, read in the second.</summary>
    private static async Task<string?> DeclareQueueAsync(ShopApp shop, string? publish)
    {
        var factory = new RabbitMQ.Client.ConnectionFactory { Uri = new Uri((await shop.App.GetConnectionStringAsync("messaging"))!) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(new RabbitMQ.Client.CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        await channel.QueueDeclareAsync("volume-test", durable: true, exclusive: false, autoDelete: false);
        if (publish is not null)
        {
            await channel.BasicPublishAsync("", "volume-test", mandatory: true,
                new RabbitMQ.Client.BasicProperties { Persistent = true }, System.Text.Encoding.UTF8.GetBytes(publish));
            return publish;
        }
        var message = await channel.BasicGetAsync("volume-test", autoAck: true);
        return message is null ? null : System.Text.Encoding.UTF8.GetString(message.Body.Span);
    }
}
