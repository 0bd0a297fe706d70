using System.Diagnostics;
using System.Globalization;

namespace Shop.Bench;

/// <summary>
/// Linux perf sampling the whole machine (<c>perf record -a</c>, cpu-clock, 999 Hz on every CPU) from
/// <see cref="Start"/> to <see cref="Stop"/>: every process, the kernel's threads and the idle time, so that what
/// <see cref="PerfProfile"/> makes of it adds up to the machine's time like the per-process CPU table does. The
/// parts (pid → the app's resource or the bench) are taken when the recording starts.
/// </summary>
public sealed class PerfRecording
{
    private readonly Process _perf;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private Task<string>? _errors;

    private PerfRecording(string label, string dataFile, IReadOnlyDictionary<int, string> parts, Process perf) =>
        (Label, DataFile, Parts, _perf) = (label, dataFile, parts, perf);

    public static string? Binary => new[] { "/usr/bin/perf", "/usr/local/bin/perf" }.FirstOrDefault(File.Exists);

    /// <summary>What was measured (a section title of the report).</summary>
    public string Label { get; }

    public string DataFile { get; }

    /// <summary>pid → part (the app's resource, the bench, else the process's name), for the processes running when the recording started.</summary>
    public IReadOnlyDictionary<int, string> Parts { get; }

    /// <summary>How long the recording ran.</summary>
    public double Seconds { get; private set; }

    /// <summary>What perf printed on stderr, for a recording that wrote no data.</summary>
    public string Errors => _errors is { IsCompletedSuccessfully: true } errors ? errors.Result : "";

    public static PerfRecording? Start(string label, IReadOnlyDictionary<int, string> parts, Action<string> log)
    {
        if (Binary is not { } perf)
        {
            log("perf is not installed (apt-get install linux-perf): no profile");
            return null;
        }
        var dataFile = Path.Combine(Path.GetTempPath(), $"shop-bench-{Environment.ProcessId}-{Guid.NewGuid():N}.perf.data");
        var start = new ProcessStartInfo(perf) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "record", "-a", "-e", "cpu-clock", "-F", "999", "-o", dataFile })
        {
            start.ArgumentList.Add(argument);
        }
        var recording = new PerfRecording(label, dataFile, WithProcessNames(parts), Process.Start(start)!);
        recording._errors = recording._perf.StandardError.ReadToEndAsync();
        _ = recording._perf.StandardOutput.ReadToEndAsync();
        return recording;
    }

    /// <summary>
    /// <paramref name="parts"/>, and every other process running now under its own name (/proc/PID/comm; a kernel
    /// thread's without its CPU number): a sample's thread name would scatter one process (DCP's <c>dotnet run</c>
    /// launchers, say) over ".NET TP Worker", ".NET Timer" ...
    /// </summary>
    private static Dictionary<int, string> WithProcessNames(IReadOnlyDictionary<int, string> parts)
    {
        var all = new Dictionary<int, string>(parts);
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && !all.ContainsKey(pid))
            {
                try
                {
                    all[pid] = File.ReadAllText(Path.Combine(directory, "comm")).Trim().Split('/')[0];
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // The process ended while we looked.
                }
            }
        }
        return all;
    }

    /// <summary>Ends the recording the way Ctrl+C would (perf then writes its data file out) and waits for perf to exit.</summary>
    public void Stop()
    {
        Seconds = _clock.Elapsed.TotalSeconds;
        if (_perf.HasExited)
        {
            return;
        }
        // .NET has no API to send SIGINT to another process; kill(1) does. SIGKILL would leave the data file unfinished.
        using (var kill = Process.Start("kill", ["-INT", _perf.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            kill.WaitForExit();
        }
        if (!_perf.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            _perf.Kill();
        }
        _perf.Dispose();
    }

    /// <summary>Removes the data file.</summary>
    public void Delete() => File.Delete(DataFile);
}
