using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Shop.Hosting.Orchestration;

namespace Shop.Hosting.Tests;

/// <summary>
/// The AppHost as a real process: however it ends (Ctrl+C, SIGTERM, SIGKILL), no server, helper or project
/// process of it is left running.
/// </summary>
public sealed class NoOrphansTests
{
    [Theory]
    [InlineData(Native.SIGINT)]
    [InlineData(Native.SIGTERM)]
    [InlineData(Native.SIGKILL)]
    public async Task No_child_outlives_the_AppHost(int signal)
    {
        var dataPath = Path.Combine(Path.GetTempPath(), "shop-orphans-" + Guid.NewGuid().ToString("N")[..8]);
        var dashboardPort = PortAllocator.GetFreePort();
        using var appHost = StartAppHost(dataPath, dashboardPort);
        var children = new List<int>();
        try
        {
            children = await WaitForAllHealthyAsync(dashboardPort, appHost);
            Assert.True(children.Count >= 6, $"expected redis, postgres, rabbitmq and three replicas; saw {children.Count}");
            var related = ProcessInfo.Mentioning(dataPath).Concat(children).Distinct().ToList();

            Native.Signal(appHost.Id, signal);
            using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            {
                await appHost.WaitForExitAsync(timeout.Token);
            }

            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (DateTime.UtcNow < deadline && related.Concat(ProcessInfo.Mentioning(dataPath)).Any(ProcessInfo.IsAlive))
            {
                await Task.Delay(200);
            }
            var survivors = related.Concat(ProcessInfo.Mentioning(dataPath)).Where(ProcessInfo.IsAlive).Distinct().ToList();
            Assert.True(survivors.Count == 0, "still running: " + string.Join(", ", survivors.Select(Describe)));
        }
        finally
        {
            if (!appHost.HasExited)
            {
                appHost.Kill(entireProcessTree: true);
            }
            // Leave nothing behind even when the test fails.
            foreach (var pid in ProcessInfo.Mentioning(dataPath).Concat(children).Where(ProcessInfo.IsAlive))
            {
                Native.SignalGroup(pid, Native.SIGKILL);
            }
            if (Directory.Exists(dataPath))
            {
                Directory.Delete(dataPath, recursive: true);
            }
        }
    }

    private static Process StartAppHost(string dataPath, int dashboardPort)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "exec", new Projects.Hosting_TestAppHost().AssemblyPath,
                     $"--Hosting:DataPath={dataPath}", $"--Hosting:DashboardUrl=http://127.0.0.1:{dashboardPort}", "--Hosting:RandomizePorts=true" })
        {
            info.ArgumentList.Add(arg);
        }
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Polls the AppHost's own dashboard API until every resource is healthy; returns the pids it reports.</summary>
    private static async Task<List<int>> WaitForAllHealthyAsync(int dashboardPort, Process appHost)
    {
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{dashboardPort}") };
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (DateTime.UtcNow < deadline && !appHost.HasExited)
        {
            try
            {
                var resources = await client.GetFromJsonAsync<JsonElement>("/api/resources");
                if (resources.EnumerateArray().All(r => r.GetProperty("health").GetString() == "Healthy"))
                {
                    return [.. resources.EnumerateArray()
                        .SelectMany(r => r.GetProperty("replicas").EnumerateArray())
                        .Where(r => r.GetProperty("pid").ValueKind == JsonValueKind.Number)
                        .Select(r => r.GetProperty("pid").GetInt32())];
                }
            }
            catch (HttpRequestException)
            {
                // The dashboard is not listening yet.
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"The test AppHost did not become healthy (exited: {appHost.HasExited}).");
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
