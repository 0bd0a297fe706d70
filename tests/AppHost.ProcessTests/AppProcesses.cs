using System.Globalization;

namespace Shop.AppHost.ProcessTests;

/// <summary>
/// Every process of one AppHost run: the AppHost's descendants, plus DCP, which detaches from the AppHost and watches
/// it (<c>--monitor PID</c>), with everything DCP started; and what a stop leaves of them.
/// </summary>
internal static class AppProcesses
{
    /// <summary>How long the app may take to be gone after the signal: about 6 s for SIGINT and SIGTERM, 18 s for SIGKILL when the machine is idle (docs/testing.md).</summary>
    public static readonly TimeSpan GoneWithin = TimeSpan.FromSeconds(90);

    public static List<int> Of(int appHostPid)
    {
        // /proc/PID/cmdline separates arguments with NULs.
        var dcp = ProcessInfo.Mentioning($"--monitor\0{appHostPid.ToString(CultureInfo.InvariantCulture)}\0");
        return [.. ProcessInfo.Descendants(appHostPid).Concat(dcp).Concat(dcp.SelectMany(ProcessInfo.Descendants)).Distinct()];
    }

    /// <summary>
    /// Stops a running AppHost with <paramref name="signal"/> (to its whole process group when <paramref name="wholeGroup"/>,
    /// as Ctrl+C in a terminal does) and asserts that the AppHost exits and no process of the app, nor any daemon it
    /// started (one that carries the app's data folder in its environment), is left.
    /// </summary>
    public static async Task AssertNothingOutlivesAsync(AppHostProcess appHost, AppIsolation isolation, int signal, bool wholeGroup)
    {
        var related = Of(appHost.Pid);
        try
        {
            // DCP and its controllers, Redis ×2, Postgres (and its workers), RabbitMQ, epmd, Prometheus, Alertmanager, six service processes.
            Assert.True(related.Count >= 12, $"saw only {related.Count} processes of the app");

            Assert.Equal(0, ProcessInfo.Signal(wholeGroup ? -appHost.Pid : appHost.Pid, signal));
            Assert.True(await appHost.WaitForExitAsync(GoneWithin),
                $"the AppHost did not exit within {GoneWithin.TotalSeconds:0} s; still running: {string.Join(", ", related.Where(ProcessInfo.IsAlive).Select(Describe))}; "
                + $"its last output:\n{string.Join('\n', appHost.Output.Split('\n').TakeLast(40))}");

            var deadline = DateTime.UtcNow + GoneWithin;
            while (DateTime.UtcNow < deadline && related.Any(ProcessInfo.IsAlive))
            {
                await Task.Delay(250);
            }
            var survivors = related.Where(ProcessInfo.IsAlive).ToList();
            Assert.True(survivors.Count == 0, "still running: " + string.Join(", ", survivors.Select(Describe)));
            // A daemon (e.g. an `epmd -daemon` an Erlang node spawned itself) is no descendant of anything of the app,
            // but it carries the app's folders in its environment.
            var strays = ProcessInfo.Mentioning(isolation.DataFolder.FullName);
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

    /// <summary>Ends what is left of a run whose test did not stop it (SIGTERM, then SIGKILL for whatever remains).</summary>
    public static async Task EndAsync(AppHostProcess appHost, AppIsolation isolation)
    {
        if (appHost.HasExited && ProcessInfo.Mentioning(isolation.DataFolder.FullName).Count == 0)
        {
            return;
        }
        var related = appHost.HasExited ? [] : Of(appHost.Pid);
        if (!appHost.HasExited)
        {
            ProcessInfo.Signal(appHost.Pid, ProcessInfo.SIGTERM);
            await appHost.WaitForExitAsync(GoneWithin);
        }
        foreach (var pid in related.Concat(ProcessInfo.Mentioning(isolation.DataFolder.FullName)).Where(ProcessInfo.IsAlive))
        {
            ProcessInfo.Signal(pid, ProcessInfo.SIGKILL);
        }
    }

    private static string Describe(int pid)
    {
        try
        {
            return $"{pid} {File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cmdline").Replace('\0', ' ')}";
        }
        catch (IOException)
        {
            return pid.ToString(CultureInfo.InvariantCulture);
        }
    }
}
