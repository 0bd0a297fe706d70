using System.Diagnostics;

namespace Shop.Hosting.Orchestration;

/// <summary>
/// One child process. It runs in a session of its own (via setsid), so a Ctrl+C at the terminal reaches only
/// the AppHost, which then stops children in order, and so stopping it signals its whole process group
/// (Postgres backends, Erlang helpers). Its pid is recorded in the app data folder so that the watchdog, or
/// the next AppHost, can clean up after a hard kill.
/// </summary>
internal sealed class ManagedProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly PidFile _pidFile;
    private readonly ProcessSpec _spec;

    private ManagedProcess(Process process, PidFile pidFile, ProcessSpec spec, Task<int> exited)
    {
        _process = process;
        _pidFile = pidFile;
        _spec = spec;
        Exited = exited;
    }

    public int Pid => _process.Id;

    /// <summary>Completes with the exit code when the process ends, however it ends.</summary>
    public Task<int> Exited { get; }

    public bool HasExited => Exited.IsCompleted;

    public static ManagedProcess Start(ProcessSpec spec, PidDirectory pids, string pidName, Action<string, bool> onOutputLine)
    {
        var info = new ProcessStartInfo("setsid")
        {
            WorkingDirectory = spec.WorkingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in spec.CommandLine())
        {
            info.ArgumentList.Add(arg);
        }
        foreach (var (name, value) in spec.Environment)
        {
            info.Environment[name] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        // The Exited event fires when the process is reaped; WaitForExitAsync would also wait for the end of
        // its output, which a grandchild holding the pipe open can delay indefinitely.
        var exited = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.Exited += (_, _) => exited.TrySetResult(process.ExitCode);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) onOutputLine(e.Data, false); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) onOutputLine(e.Data, true); };
        process.Start();
        // No child reads our stdin; closing it keeps a server from waiting on the terminal.
        process.StandardInput.Close();
        var pidFile = pids.Record(pidName, process.Id, spec.StopSignal);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ManagedProcess(process, pidFile, spec, exited.Task);
    }

    /// <summary>Graceful stop: the stop signal to the group, then SIGKILL to the group after the timeout.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (!HasExited)
        {
            Native.SignalGroup(Pid, _spec.StopSignal);
            if (await Task.WhenAny(Exited, Task.Delay(timeout)).ConfigureAwait(false) != Exited)
            {
                Native.SignalGroup(Pid, Native.SIGKILL);
                await Exited.ConfigureAwait(false);
            }
        }
        // Helpers that outlived the leader (rare) go with the group.
        Native.SignalGroup(Pid, Native.SIGKILL);
        _pidFile.Delete();
    }

    /// <summary>SIGKILL at once, as a crash would (fault tests).</summary>
    public async Task KillAsync()
    {
        Native.SignalGroup(Pid, Native.SIGKILL);
        await Exited.ConfigureAwait(false);
        _pidFile.Delete();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        _process.Dispose();
    }
}
