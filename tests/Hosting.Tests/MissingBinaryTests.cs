using Shop.Hosting.Orchestration;
using Shop.Hosting.Testing;

namespace Shop.Hosting.Tests;

public sealed class MissingBinaryTests
{
    [Fact]
    public async Task A_missing_server_binary_fails_that_resource_with_the_package_to_install()
    {
        var empty = Directory.CreateTempSubdirectory("shop-nobin-");
        try
        {
            // Search only an empty folder: as on a machine where nothing is installed.
            var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Hosting_TestAppHost>(configuration: new Dictionary<string, string?>
            {
                ["Hosting:BinarySearchPath"] = empty.FullName,
                ["Hosting:SearchSystemPath"] = "false",
            });
            await using var app = await builder.BuildAsync();
            await app.StartAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));

            var error = await Assert.ThrowsAsync<DistributedApplicationException>(() => app.WaitForResourceHealthyAsync("cache", timeout.Token));

            Assert.Contains("'redis-server' was not found", error.Message);
            Assert.Contains("sudo apt-get install -y redis-server", error.Message);
            var resources = app.GetResources();
            Assert.Equal(ResourceStateKind.FailedToStart, resources.Get("cache").State);
            await Assert.ThrowsAsync<DistributedApplicationException>(() => app.WaitForResourceHealthyAsync("postgres", timeout.Token));
            Assert.Contains("sudo apt-get install -y postgresql", resources.Get("postgres").Error);
            await Assert.ThrowsAsync<DistributedApplicationException>(() => app.WaitForResourceHealthyAsync("messaging", timeout.Token));
            Assert.Contains("sudo apt-get install -y rabbitmq-server", resources.Get("messaging").Error);
            // What waits for a failed resource does not start either, and says why.
            await Assert.ThrowsAsync<DistributedApplicationException>(() => app.WaitForResourceHealthyAsync("echo", timeout.Token));
            Assert.Contains("cache", resources.Get("echo").Error);
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }
}
