using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Shop.Bench;

/// <summary>The machine a run was measured on: cores, CPU, OS, .NET, how long an fsync takes, and how busy it already was.</summary>
public sealed record MachineFacts
{
    public required int ProcessorCount { get; init; }

    public required string CpuModel { get; init; }

    public required string Os { get; init; }

    public required string Runtime { get; init; }

    public required long MemoryMegabytes { get; init; }

    /// <summary>/proc/loadavg when the run started: other work on a shared machine.</summary>
    public required string LoadAverageAtStart { get; init; }

    /// <summary>Median of writing 8 KiB and fdatasync-ing it, in the temp folder (where the app's data lives), µs.</summary>
    public required double FsyncMedianMicroseconds { get; init; }

    public required double FsyncP99Microseconds { get; init; }

    /// <summary>pg_test_fsync's summary lines (ops/sec per method), when it was found and run.</summary>
    public required IReadOnlyList<string> PgTestFsync { get; init; }

    public static async Task<MachineFacts> MeasureAsync(bool runPgTestFsync, Action<string> log, CancellationToken cancellationToken)
    {
        var (median, p99) = MeasureFsync(200);
        log($"fsync (8 KiB write + fdatasync): median {median:F0} µs, p99 {p99:F0} µs");
        var pgTestFsync = runPgTestFsync ? await RunPgTestFsyncAsync(log, cancellationToken).ConfigureAwait(false) : [];
        return new MachineFacts
        {
            ProcessorCount = Environment.ProcessorCount,
            CpuModel = ReadCpuModel(),
            Os = RuntimeInformation.OSDescription,
            Runtime = RuntimeInformation.FrameworkDescription,
            MemoryMegabytes = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024 * 1024),
            LoadAverageAtStart = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a",
            FsyncMedianMicroseconds = median,
            FsyncP99Microseconds = p99,
            PgTestFsync = pgTestFsync,
        };
    }

    private static (double Median, double P99) MeasureFsync(int rounds)
    {
        var path = Path.Combine(Path.GetTempPath(), $"shop-bench-fsync-{Environment.ProcessId}.dat");
        var samples = new double[rounds];
        var block = new byte[8192];
        try
        {
            using var file = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            for (var i = 0; i < rounds; i++)
            {
                var start = Stopwatch.GetTimestamp();
                file.Position = (i % 16) * block.Length;
                file.Write(block);
                file.Flush(flushToDisk: true);
                samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            }
        }
        finally
        {
            File.Delete(path);
        }
        Array.Sort(samples);
        return (samples[rounds / 2], samples[(int)(rounds * 0.99)]);
    }

    /// <summary>pg_test_fsync -s 1 from the Postgres binaries: a few seconds, the standard way to describe a disk for Postgres.</summary>
    private static async Task<IReadOnlyList<string>> RunPgTestFsyncAsync(Action<string> log, CancellationToken cancellationToken)
    {
        var binary = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin", "pg_test_fsync")).FirstOrDefault(File.Exists)
            : null;
        if (binary is null)
        {
            return [];
        }
        var file = Path.Combine(Path.GetTempPath(), $"shop-bench-pg-test-fsync-{Environment.ProcessId}.out");
        log($"{binary} -s 1 ...");
        var start = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-s");
        start.ArgumentList.Add("1");
        start.ArgumentList.Add("-f");
        start.ArgumentList.Add(file);
        try
        {
            using var process = Process.Start(start)!;
            var output = await process.StandardOutput.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            // Section headers ("Compare file sync methods using one 8kB write:") and result lines like
            // "        fdatasync                          1234.567 ops/sec     810 usecs/op".
            return [.. output.Split('\n')
                .Where(l => l.Contains("ops/sec", StringComparison.Ordinal) || l.StartsWith("Compare", StringComparison.Ordinal) || l.StartsWith("Test if", StringComparison.Ordinal) || l.StartsWith("Non-sync", StringComparison.Ordinal))
                .Select(l => Regex.Replace(l.Trim(), @"\s{2,}", "  "))];
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static string ReadCpuModel()
    {
        if (!File.Exists("/proc/cpuinfo"))
        {
            return RuntimeInformation.ProcessArchitecture.ToString();
        }
        var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
        return line is null ? RuntimeInformation.ProcessArchitecture.ToString() : line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
    }

    public string FsyncSummary => string.Create(CultureInfo.InvariantCulture, $"{FsyncMedianMicroseconds:F0} µs median, {FsyncP99Microseconds:F0} µs p99 (8 KiB write + fdatasync)");
}
