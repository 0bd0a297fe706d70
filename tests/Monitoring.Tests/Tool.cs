using System.Diagnostics;

namespace Shop.Monitoring.Tests;

/// <summary>Runs one of the Prometheus packages' command-line tools (promtool, amtool) and captures what it says.</summary>
internal static class Tool
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public string Output => Stdout + Stderr;

        public override string ToString() => $"exit code {ExitCode}:\n{Output}";
    }

    public static async Task<Result> RunAsync(string tool, params string[] arguments)
    {
        var path = $"/usr/bin/{tool}";
        Assert.True(System.IO.File.Exists(path), $"{path} is missing: scripts/setup.sh installs it (Debian package prometheus or prometheus-alertmanager)");
        var start = new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await stdout, await stderr);
    }
}
