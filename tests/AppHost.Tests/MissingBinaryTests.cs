using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Shop.AppHost.LocalServers;

namespace Shop.AppHost.Tests;

[Collection(OneAtATime.Name)]
public sealed class MissingBinaryTests
{
    // The repository's monitoring/ (Projects.AppHost names the AppHost's folder or project file).
    private static readonly string MonitoringFolder = Path.GetFullPath("../monitoring",
        Projects.AppHost.ProjectPath.EndsWith(".csproj", StringComparison.Ordinal) ? Path.GetDirectoryName(Projects.AppHost.ProjectPath)! : Projects.AppHost.ProjectPath);

    [Fact]
    public async Task A_missing_server_binary_stops_the_AppHost_with_the_package_to_install()
    {
        var empty = Directory.CreateTempSubdirectory("shop-nobin-");
        try
        {
            // Search only an empty folder: as on a machine where nothing is installed yet.
            var error = await Assert.ThrowsAsync<MissingServerBinaryException>(() =>
                DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
                    [$"--LocalServers:BinarySearchPath={empty.FullName}", "--LocalServers:SearchSystemPath=false"]));

            Assert.Equal("redis-server", error.FileName);
            Assert.Contains("'redis-server' was not found", error.Message);
            Assert.Contains(empty.FullName, error.Message);
            Assert.Contains("sudo apt-get install -y redis-server", error.Message);
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("postgres", "postgresql", new string[0])]
    [InlineData("rabbitmq-server", "rabbitmq-server", new string[0])]
    [InlineData("epmd", "erlang-base", new[] { "rabbitmq-server" })]
    [InlineData("prometheus-alertmanager", "prometheus-alertmanager", new string[0])]
    [InlineData("prometheus", "prometheus", new[] { "prometheus-alertmanager" })]
    public void Each_server_names_its_Debian_package(string missing, string package, string[] present)
    {
        var folder = Directory.CreateTempSubdirectory("shop-nobin-");
        try
        {
            foreach (var name in present)
            {
                var fake = Path.Combine(folder.FullName, name);
                File.WriteAllText(fake, "#!/bin/sh\n");
                File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserExecute);
            }
            var builder = DistributedApplication.CreateBuilder(
                [$"--LocalServers:BinarySearchPath={folder.FullName}", "--LocalServers:SearchSystemPath=false", $"--Monitoring:ConfigPath={MonitoringFolder}"]);

            var error = Assert.Throws<MissingServerBinaryException>(() =>
            {
                switch (missing)
                {
                    case "postgres":
                        builder.AddLocalPostgres("postgres");
                        break;
                    case "prometheus-alertmanager":
                        builder.AddLocalAlertmanager("alertmanager");
                        break;
                    case "prometheus":
                        builder.AddLocalPrometheus("prometheus", builder.AddLocalAlertmanager("alertmanager"));
                        break;
                    default:
                        builder.AddLocalRabbitMQ("messaging");
                        break;
                }
            });

            Assert.Equal(missing, error.FileName);
            Assert.Equal(package, error.DebianPackage);
            Assert.Contains($"sudo apt-get install -y {package}", error.Message);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
