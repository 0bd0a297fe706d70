using Shop.Testing;

namespace Shop.AppHost.Tests;

/// <summary>
/// RabbitMQ checks its epmd registration every minute (rabbit_epmd_monitor) and, finding epmd gone, starts one
/// itself as a daemon that would outlive the app. With the epmd resource killed under a running broker, no such
/// daemon may appear. The broker alone is started (and its epmd): nothing else of the app takes part.
/// </summary>
[Collection(EpmdMonitorWait.Name)]
public sealed class StrayEpmdTests
{
    [Fact]
    public async Task A_broker_that_loses_its_epmd_starts_no_daemon_of_its_own()
    {
        var dataFolder = AppIsolation.CreateDataFolder("shop-epmd-");
        var dataPath = dataFolder.FullName;
        try
        {
            await using (var app = await ShopApp.StartAsync(only: ["messaging"], dataFolder: dataFolder))
            {
                var epmd = ProcessInfo.Mentioning(dataPath).Where(IsEpmd).ToList();
                Assert.Single(epmd);
                ProcessInfo.Signal(epmd[0], ProcessInfo.SIGKILL);

                // The monitor's period is 60 s: give it one round and a margin.
                var deadline = DateTime.UtcNow.AddSeconds(75);
                var strays = new List<int>();
                while (DateTime.UtcNow < deadline && strays.Count == 0)
                {
                    await Task.Delay(1000);
                    strays = [.. ProcessInfo.Mentioning(dataPath).Where(IsEpmd)];
                }
                Assert.True(strays.Count == 0, "an epmd the app did not start as a resource: " + string.Join(", ", strays.Select(Command)));
            }
        }
        finally
        {
            // Whatever of the app is left (a stray daemon above all) must not outlive the test.
            foreach (var pid in ProcessInfo.Mentioning(dataPath))
            {
                ProcessInfo.Signal(pid, ProcessInfo.SIGKILL);
            }
            await AppIsolation.DeleteDataFolderAsync(dataFolder);
        }
    }

    private static bool IsEpmd(int pid) => Command(pid).Split(' ')[0].EndsWith("epmd", StringComparison.Ordinal);

    private static string Command(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
        }
        catch (IOException)
        {
            return "";
        }
    }
}
