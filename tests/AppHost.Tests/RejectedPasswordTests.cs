using Shop.Testing;

namespace Shop.AppHost.Tests;

/// <summary>
/// Postgres keeps the password its data folder was made with; the AppHost takes it from its parameter. When the two
/// differ (lost or rewritten user secrets), the AppHost started as a developer starts it stops within seconds, naming
/// the server, the folder, the parameter and the two ways back, instead of waiting for ever for a server that refuses
/// every login. (RabbitMQ's user gets the parameter's password at every start instead: RabbitMQUserTests.)
/// </summary>
[Collection(OneAtATime.Name)]
public sealed class RejectedPasswordTests
{
    [Theory]
    [InlineData("postgres")]
    public async Task A_data_folder_made_with_another_password_stops_the_AppHost_with_a_message_that_names_it(string server)
    {
        var dataFolder = AppIsolation.CreateDataFolder("shop-password-");
        var parameter = $"{server}-password";
        try
        {
            // The server makes its data folder with one password ...
            await using (await ShopApp.StartAsync(only: [server], dataFolder: dataFolder,
                configuration: new Dictionary<string, string?> { [$"Parameters:{parameter}"] = "first" + Guid.NewGuid().ToString("N") }))
            {
            }

            // ... and the AppHost is started on it with another.
            using var isolation = AppIsolation.For(dataFolder);
            using var appHost = AppHostProcess.Start(isolation, $"--Parameters:{parameter}=second{Guid.NewGuid():N}");
            Assert.True(await appHost.WaitForExitAsync(TimeSpan.FromMinutes(3)), $"the AppHost kept waiting:\n{appHost.Output}");

            Assert.Equal(1, appHost.ExitCode);
            var message = appHost.Output.Split('\n').SingleOrDefault(line => line.Contains("cannot start", StringComparison.Ordinal));
            Assert.True(message is not null, $"no line says which server cannot start:\n{appHost.Output}");
            var folder = Path.Combine(dataFolder.FullName, server);
            Assert.Contains($"{server} cannot start: its data folder {folder} was created with another password", message, StringComparison.Ordinal);
            Assert.Contains($"dotnet user-secrets set Parameters:{parameter} ", message, StringComparison.Ordinal);
            Assert.Contains($"rm -rf {folder}", message, StringComparison.Ordinal);
            Assert.DoesNotContain("Shop is ready", appHost.Output, StringComparison.Ordinal);
        }
        finally
        {
            await AppIsolation.DeleteDataFolderAsync(dataFolder);
        }
    }
}
