using System.Diagnostics;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using Shop.AppHost.LocalServers;
using Shop.Testing;

namespace Shop.AppHost.Tests;

/// <summary>
/// The broker has one user, Shop's own (<see cref="LocalRabbitMQResource.UserName"/>), with the AppHost's password
/// parameter; <c>guest</c> does not exist, not even in a data folder an earlier version made (where guest was the user).
/// </summary>
[Collection(OneAtATime.Name)]
public sealed class RabbitMQUserTests
{
    [Fact]
    public void The_definitions_hold_the_password_as_RabbitMQs_salted_SHA_256()
    {
        // base64(salt + SHA-256(salt + UTF-8 password)), as rabbit_password_hashing_sha256 checks it (computed apart).
        Assert.Equal("AQIDBE9skmuBchcwuhKDvVscFGTND++y2wcv/NL1rVA61/5C", LocalRabbitMQBuilderExtensions.PasswordHash("pässword", [1, 2, 3, 4]));

        var definitions = LocalRabbitMQBuilderExtensions.Definitions("secret");
        Assert.DoesNotContain("secret", definitions, StringComparison.Ordinal);
        Assert.DoesNotContain("guest", definitions, StringComparison.Ordinal);
        Assert.Contains("\"name\":\"shop\"", definitions, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_data_folder_with_guest_from_an_earlier_version_loses_guest_and_opens_with_Shops_user_and_the_parameters_password()
    {
        var dataFolder = AppIsolation.CreateDataFolder("shop-rabbit-user-");
        var oldPassword = "old" + Guid.NewGuid().ToString("N");
        var newPassword = "new" + Guid.NewGuid().ToString("N");
        var message = Guid.NewGuid().ToString("N");
        try
        {
            // The folder as an earlier version left it: its broker's user was guest, with the password parameter's
            // value; and a durable queue holds a persistent message. (guest is made with rabbitmqctl, as the earlier
            // version's default_user did, and the marker this version writes on a new folder is taken away.)
            await using (var first = await ShopApp.StartAsync(only: ["messaging"], dataFolder: dataFolder,
                configuration: new Dictionary<string, string?> { ["Parameters:messaging-password"] = oldPassword }))
            {
                await CtlAsync(first, "add_user", "guest", oldPassword);
                await CtlAsync(first, "set_permissions", "guest", ".*", ".*", ".*");
                await using var guest = await ConnectAsync(first, "guest", oldPassword);
                await using var channel = await guest.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
                await channel.QueueDeclareAsync("user-upgrade-test", durable: true, exclusive: false, autoDelete: false);
                await channel.BasicPublishAsync("", "user-upgrade-test", mandatory: true, new BasicProperties { Persistent = true }, System.Text.Encoding.UTF8.GetBytes(message));
            }
            var folder = Path.Combine(dataFolder.FullName, "messaging");
            File.Delete(Path.Combine(folder, LocalRabbitMQBuilderExtensions.NoGuestMarkerFileName));

            // The new version on it, with another password (lost or changed user secrets) for good measure.
            await using var second = await ShopApp.StartAsync(only: ["messaging"], dataFolder: dataFolder,
                configuration: new Dictionary<string, string?> { ["Parameters:messaging-password"] = newPassword });

            var users = (await CtlAsync(second, "list_users", "--quiet", "--no-table-headers")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal([$"{LocalRabbitMQResource.UserName}\t[]"], users);
            foreach (var (user, password) in new[] { ("guest", oldPassword), ("guest", newPassword), ("guest", "guest"), (LocalRabbitMQResource.UserName, oldPassword) })
            {
                var refused = await Assert.ThrowsAsync<BrokerUnreachableException>(() => ConnectAsync(second, user, password));
                Assert.IsType<AuthenticationFailureException>(refused.InnerException);
            }
            await using (var shop = await ConnectAsync(second, LocalRabbitMQResource.UserName, newPassword))
            await using (var channel = await shop.CreateChannelAsync())
            {
                var kept = await channel.BasicGetAsync("user-upgrade-test", autoAck: true);
                Assert.Equal(message, kept is null ? null : System.Text.Encoding.UTF8.GetString(kept.Body.Span));
            }
            Assert.True(File.Exists(Path.Combine(folder, LocalRabbitMQBuilderExtensions.NoGuestMarkerFileName)));
            // The password is on disk only as its salted hash.
            foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.TopDirectoryOnly))
            {
                Assert.DoesNotContain(newPassword, await File.ReadAllTextAsync(file), StringComparison.Ordinal);
            }
        }
        finally
        {
            await AppIsolation.DeleteDataFolderAsync(dataFolder);
        }
    }

    private static async Task<IConnection> ConnectAsync(ShopApp shop, string user, string password)
    {
        var uri = new UriBuilder((await shop.App.GetConnectionStringAsync("messaging"))!) { UserName = Uri.EscapeDataString(user), Password = Uri.EscapeDataString(password) };
        return await new ConnectionFactory { Uri = uri.Uri, AutomaticRecoveryEnabled = false }.CreateConnectionAsync();
    }

    private static async Task<string> CtlAsync(ShopApp shop, params string[] arguments)
    {
        var rabbit = shop.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<LocalRabbitMQResource>().Single();
        var start = LocalRabbitMQBuilderExtensions.RabbitMQCtl(rabbit, shop.App.GetEndpoint("messaging-epmd", "tcp").Port, arguments);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"rabbitmqctl {string.Join(' ', arguments)}: exit code {process.ExitCode}: {await output} {await error}");
        return await output;
    }
}
