using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Shop.Testing;

/// <summary>
/// The built AppHost started as its own process, in its own process group (so a test can press "Ctrl+C" by
/// signalling the group, as a terminal does), with its own dashboard ports, data folder and user secrets
/// (<see cref="AppIsolation"/>).
/// </summary>
public sealed class AppHostProcess : IDisposable
{
    private readonly ConcurrentQueue<string> _output = new();
    private readonly Process _process;

    private AppHostProcess(Process process) => _process = process;

    /// <summary>
    /// Long enough for a whole app on a loaded 2-core machine (about 35 s idle, 60–90 s beside the other test lane);
    /// an AppHost that does not get there names the resource it waits for on its console (UnhealthyResourceWarning),
    /// which the failure shows.
    /// </summary>
    public static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(6);

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Output => string.Join('\n', _output);

    public static AppHostProcess Start(AppIsolation isolation, params string[] arguments)
    {
        // setsid execs the AppHost in place as the leader of a new session and process group. env first puts SIGINT
        // and SIGQUIT back to their defaults: a test run started in the background by a shell without job control
        // (test.sh's lanes, a CI runner's script) inherits them ignored, and .NET leaves an ignored SIGINT ignored,
        // so the AppHost would not stop on Ctrl+C as it does in a terminal (seen: "the AppHost did not exit").
        var start = new ProcessStartInfo("/usr/bin/env") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])["--default-signal=INT,QUIT", "/usr/bin/setsid", "dotnet", "exec", AppHostBinary.AssemblyPath, .. isolation.Arguments, .. arguments])
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{FreePort()}";
        start.Environment["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://127.0.0.1:{FreePort()}";
        start.Environment["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = $"http://127.0.0.1:{FreePort()}";
        start.Environment["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true";
        // As run.sh runs it: in Development, where the demo users are seeded (docs/identity.md, "Accounts").
        start.Environment["DOTNET_ENVIRONMENT"] = "Development";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        // The projects' launch profiles name fixed ports; another app on this machine may hold them. (This moves
        // the dashboard too: its address is the one the AppHost prints.)
        start.Environment[AppIsolation.RandomPortsVariable] = "true";
        var appHost = new AppHostProcess(Process.Start(start)!);
        appHost._process.OutputDataReceived += (_, e) => appHost.Append(e.Data);
        appHost._process.ErrorDataReceived += (_, e) => appHost.Append(e.Data);
        appHost._process.BeginOutputReadLine();
        appHost._process.BeginErrorReadLine();
        return appHost;
    }

    /// <summary>Waits until the AppHost prints a line with <paramref name="text"/> and returns it; fails early if it exits first.</summary>
    public async Task<string> WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_output.FirstOrDefault(line => line.Contains(text, StringComparison.Ordinal)) is { } line)
            {
                return line;
            }
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The AppHost did not print '{text}' (exited: {_process.HasExited}). Output:\n{Output}");
            }
            await Task.Delay(250);
        }
    }

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancellation.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public int ExitCode => _process.ExitCode;

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
