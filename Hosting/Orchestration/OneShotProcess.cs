using System.Diagnostics;

namespace Shop.Hosting.Orchestration;

/// <summary>Runs a set-up command to completion (initdb), copying its output to the resource log.</summary>
internal static class OneShotProcess
{
    public static async Task RunAsync(ProcessSpec spec, ResourceLog log, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(spec.CommandLine().First())
        {
            WorkingDirectory = spec.WorkingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in spec.CommandLine().Skip(1))
        {
            info.ArgumentList.Add(arg);
        }
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) log.Append(0, false, e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) log.Append(0, true, e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new DistributedApplicationException($"'{spec.DisplayCommand}' failed with exit code {process.ExitCode}; see the resource's console log.");
        }
    }
}
