using Shop.Testing;

namespace Shop.AppHost.Tests;

/// <summary>
/// The AppHost as a real process: however it ends (Ctrl+C, SIGTERM, SIGKILL), no server, helper, DCP or project
/// process of it is left running.
/// </summary>
public sealed class NoOrphansTests
{
    [Theory]
    [InlineData(ProcessInfo.SIGINT, true)]
    [InlineData(ProcessInfo.SIGTERM, false)]
    [InlineData(ProcessInfo.SIGKILL, false)]
    public async Task No_process_of_the_app_outlives_the_AppHost(int signal, bool wholeGroup)
    {
        using var isolation = AppIsolation.Create("shop-orphans-");
        var dataPath = isolation.DataFolder.FullName;
        using var appHost = AppHostProcess.Start(isolation);
        var related = new List<int>();
        try
        {
            await appHost.WaitForOutputAsync("Shop is ready", TimeSpan.FromMinutes(4));
            related = AppProcesses(appHost.Pid);
            // DCP and its controllers, Redis, Postgres (and its workers), RabbitMQ, epmd, five service processes.
            Assert.True(related.Count >= 12, $"saw only {related.Count} processes of the app");

            Assert.Equal(0, ProcessInfo.Signal(wholeGroup ? -appHost.Pid : appHost.Pid, signal));
            Assert.True(await appHost.WaitForExitAsync(TimeSpan.FromSeconds(60)), "the AppHost did not exit");

            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (DateTime.UtcNow < deadline && related.Any(ProcessInfo.IsAlive))
            {
                await Task.Delay(250);
            }
            var survivors = related.Where(ProcessInfo.IsAlive).ToList();
            Assert.True(survivors.Count == 0, "still running: " + string.Join(", ", survivors.Select(Describe)));
            // A daemon (e.g. an `epmd -daemon` an Erlang node spawned itself) is no descendant of anything of the app,
            // but it carries the app's folders in its environment.
            var strays = ProcessInfo.Mentioning(dataPath);
            related.AddRange(strays);
            Assert.True(strays.Count == 0, "still running, started by the app: " + string.Join(", ", strays.Select(Describe)));
        }
        finally
        {
            // Leave nothing behind even when the test fails.
            foreach (var pid in related.Where(ProcessInfo.IsAlive))
            {
                ProcessInfo.Signal(pid, ProcessInfo.SIGKILL);
            }
        }
    }

    /// <summary>
    /// The AppHost's descendants plus DCP, which detaches from the AppHost and watches it (<c>--monitor PID</c>),
    /// with everything DCP started.
    /// </summary>
    private static List<int> AppProcesses(int appHostPid)
    {
        // /proc/PID/cmdline separates arguments with NULs.
        var dcp = ProcessInfo.Mentioning($"--monitor\0{appHostPid}\0");
        return [.. ProcessInfo.Descendants(appHostPid).Concat(dcp).Concat(dcp.SelectMany(ProcessInfo.Descendants)).Distinct()];
    }

    private static string Describe(int pid)
    {
        try
        {
            return $"{pid} {File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ')}";
        }
        catch (IOException)
        {
            return pid.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
