using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Shop.Bench;

/// <summary>
/// Samples processes with Linux perf while a scenario runs (cpu-clock, 999 Hz), then says where their CPU time
/// went: by thread kind, and by component (kernel, runtime, JIT, Kestrel, ASP.NET Core, JWT validation, the
/// Redis and RabbitMQ clients, rate limiting, telemetry, Shop's own code ...), with the top symbols. The
/// services run with DOTNET_PerfMapEnabled=1 (and W^X off) so that perf can name JIT-compiled .NET methods.
/// </summary>
public sealed partial class PerfProfile
{
    // Managed frames are named "[Assembly] Namespace.Type::Method": the first rule whose text appears wins.
    private static readonly (string Text, string Component)[] ManagedRules =
    [
        ("Microsoft.IdentityModel", "JWT validation (Microsoft.IdentityModel)"),
        ("System.Security.Cryptography", "crypto (HMAC-SHA256)"),
        ("StackExchange.Redis", "Redis client (StackExchange.Redis)"),
        ("RabbitMQ.Client", "RabbitMQ client"),
        ("Npgsql", "Npgsql"),
        ("System.Threading.RateLimiting", "rate limiting (System.Threading.RateLimiting)"),
        ("OpenTelemetry", "telemetry (OpenTelemetry, Activity, metrics)"),
        ("System.Diagnostics.DiagnosticSource", "telemetry (OpenTelemetry, Activity, metrics)"),
        ("Shop.Ordering.Api.Telemetry", "telemetry (OpenTelemetry, Activity, metrics)"),
        ("Shop.Ordering.Worker.Telemetry", "telemetry (OpenTelemetry, Activity, metrics)"),
        ("Microsoft.AspNetCore.Server.Kestrel", "Kestrel (HTTP/1.1, sockets transport)"),
        ("Microsoft.AspNetCore", "ASP.NET Core (hosting, routing, auth, minimal API, results)"),
        ("Microsoft.Extensions", "ASP.NET Core (hosting, routing, auth, minimal API, results)"),
        ("System.Text.Json", "System.Text.Json"),
        ("[Shop.", "Shop's own code"),
        ("[Ordering.", "Shop's own code"),
        ("System.Net.Sockets", "sockets, pipelines (managed)"),
        ("System.IO.Pipelines", "sockets, pipelines (managed)"),
        ("System.Threading", "threads, tasks, async"),
        ("System.Runtime.CompilerServices", "threads, tasks, async"),
    ];

    private readonly Process _perf;
    private readonly string _data;
    private readonly int[] _pids;

    private PerfProfile(Process perf, string data, int[] pids) => (_perf, _data, _pids) = (perf, data, pids);

    public static string? Binary => new[] { "/usr/bin/perf", "/usr/local/bin/perf" }.FirstOrDefault(File.Exists);

    public static PerfProfile? Start(IEnumerable<int> processes, TimeSpan duration, Action<string> log)
    {
        var pids = processes.ToArray();
        if (Binary is not { } perf)
        {
            log("perf is not installed (apt-get install linux-perf): no profile");
            return null;
        }
        var data = Path.Combine(Path.GetTempPath(), $"shop-bench-{Environment.ProcessId}.perf.data");
        var start = new ProcessStartInfo(perf) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "record", "-e", "cpu-clock", "-F", "999", "-o", data, "-p", string.Join(',', pids), "--", "sleep",
                     duration.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }
        return new PerfProfile(Process.Start(start)!, data, pids);
    }

    /// <summary>Waits for the recording to end and returns the summary as markdown.</summary>
    /// <param name="processNames">pid → resource name, to label each process.</param>
    public async Task<string> ReportAsync(IReadOnlyDictionary<int, string> processNames, CancellationToken cancellationToken)
    {
        var recordErrors = _perf.StandardError.ReadToEndAsync(cancellationToken);
        _ = await _perf.StandardOutput.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        await _perf.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (!File.Exists(_data))
        {
            return "perf record failed: " + await recordErrors.ConfigureAwait(false);
        }
        try
        {
            var md = new StringBuilder();
            var samples = await SamplesAsync(cancellationToken).ConfigureAwait(false);
            var total = samples.Sum(s => s.Percent);
            md.Append("Share of the sampled CPU time (all profiled processes = 100 %).\n\n");
            md.Append("| process | share |\n| --- | --- |\n");
            foreach (var group in samples.GroupBy(s => processNames.GetValueOrDefault(s.Pid, $"pid {s.Pid}")).OrderByDescending(g => g.Sum(s => s.Percent)))
            {
                md.Append(CultureInfo.InvariantCulture, $"| {group.Key} | {group.Sum(s => s.Percent) / total:P1} |\n");
            }
            foreach (var process in samples.GroupBy(s => processNames.GetValueOrDefault(s.Pid, $"pid {s.Pid}")).OrderByDescending(g => g.Sum(s => s.Percent)).Take(2))
            {
                var processTotal = process.Sum(s => s.Percent);
                md.Append(CultureInfo.InvariantCulture, $"\n## {process.Key}: by component\n\n| component | share of {process.Key} |\n| --- | --- |\n");
                foreach (var component in process.GroupBy(s => Component(s.Dso, s.Symbol)).OrderByDescending(g => g.Sum(s => s.Percent)))
                {
                    md.Append(CultureInfo.InvariantCulture, $"| {component.Key} | {component.Sum(s => s.Percent) / processTotal:P1} |\n");
                }
                md.Append(CultureInfo.InvariantCulture, $"\n{process.Key}: by thread kind: ")
                    .AppendJoin(", ", process.GroupBy(s => s.Thread).OrderByDescending(g => g.Sum(s => s.Percent)).Take(6)
                        .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key} {g.Sum(s => s.Percent) / processTotal:P0}")))
                    .Append("\n\n");
                md.Append(CultureInfo.InvariantCulture, $"{process.Key}: top symbols (self time)\n\n```\n");
                foreach (var symbol in process.GroupBy(s => s.Symbol).OrderByDescending(g => g.Sum(s => s.Percent)).Take(25))
                {
                    md.Append(CultureInfo.InvariantCulture, $"{symbol.Sum(s => s.Percent) / processTotal,7:P1}  {Shorten(symbol.Key)}\n");
                }
                md.Append("```\n");
            }
            return md.ToString();
        }
        finally
        {
            File.Delete(_data);
            // The runtime leaves /tmp/perf-PID.map behind (megabytes each); it keeps writing to its open file unharmed.
            foreach (var pid in _pids)
            {
                File.Delete($"/tmp/perf-{pid}.map");
            }
        }
    }

    /// <summary>Which part of the stack a sample's library and symbol belong to.</summary>
    public static string Component(string dso, string symbol)
    {
        if (symbol.Contains("sched_yield", StringComparison.Ordinal))
        {
            return "thread-pool spinning (sched_yield)";
        }
        if (dso == "[kernel.kallsyms]")
        {
            return symbol.Contains("finish_task_switch", StringComparison.Ordinal) || symbol.Contains("schedule", StringComparison.Ordinal)
                ? "kernel: context switches"
                : "kernel: network stack, syscalls";
        }
        if (dso.StartsWith("libclrjit", StringComparison.Ordinal))
        {
            return "JIT compiler";
        }
        if (dso.StartsWith("libcoreclr", StringComparison.Ordinal) || dso.StartsWith("libclrgc", StringComparison.Ordinal))
        {
            return "runtime (GC, allocation, casts, stubs)";
        }
        if (dso.StartsWith("libcrypto", StringComparison.Ordinal) || dso.StartsWith("libssl", StringComparison.Ordinal) || dso.Contains("Cryptography", StringComparison.Ordinal))
        {
            return "crypto (HMAC-SHA256)";
        }
        if (dso.StartsWith("libc.", StringComparison.Ordinal) || dso == "[vdso]" || dso.StartsWith("ld-linux", StringComparison.Ordinal) || dso.StartsWith("libSystem.Native", StringComparison.Ordinal))
        {
            return "libc, clock, native shims";
        }
        if (dso.StartsWith("[JIT]", StringComparison.Ordinal) || dso.EndsWith(".dll", StringComparison.Ordinal))
        {
            foreach (var (text, component) in ManagedRules)
            {
                if (symbol.Contains(text, StringComparison.Ordinal))
                {
                    return component;
                }
            }
            return symbol.Contains("[System.", StringComparison.Ordinal) || symbol.Contains("System.", StringComparison.Ordinal)
                ? "BCL (strings, collections, formatting ...)"
                : "managed, other";
        }
        return dso.StartsWith("redis", StringComparison.Ordinal) ? "redis-server" : $"other ({dso})";
    }

    /// <param name="Percent">Weight of the sample (1 each; shares are computed from sums).</param>
    private sealed record Sample(double Percent, int Pid, string Thread, string Dso, string Symbol);

    /// <summary>Every sample: its process, thread name, library and symbol (perf script; each line one sample).</summary>
    private async Task<List<Sample>> SamplesAsync(CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(Binary!) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "script", "-i", _data, "-F", "comm,pid,tid,ip,sym,dso", "-G" })
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        var samples = new List<Sample>();
        while (await process.StandardOutput.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            // "  .NET TP Worker 20711/20947      7f84832 instance void [Asm] Ns.Type::Method()[OptimizedTier1] (/tmp/perf-20711.map)"
            var match = SampleLine().Match(line);
            if (match.Success)
            {
                var dso = match.Groups["dso"].Value;
                var library = dso.StartsWith("/tmp/perf-", StringComparison.Ordinal) ? "[JIT]" : dso.StartsWith('[') ? dso : Path.GetFileName(dso);
                samples.Add(new Sample(1, int.Parse(match.Groups["pid"].Value, CultureInfo.InvariantCulture), match.Groups["comm"].Value.Trim(), library, match.Groups["sym"].Value.Trim()));
            }
        }
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        _ = await errors.ConfigureAwait(false);
        return samples;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^\s*(?<comm>.+?)\s+(?<pid>\d+)/(?<tid>\d+)\s+(?<ip>[0-9a-f]+)\s+(?<sym>.*)\s+\((?<dso>[^()]*)\)\s*$")]
    private static partial System.Text.RegularExpressions.Regex SampleLine();

    private static string Shorten(string symbol)
    {
        // "instance void [Asm] Ns.Type::Method(args)[OptimizedTier1]" → "Ns.Type::Method"
        var text = symbol;
        var args = text.IndexOf('(', StringComparison.Ordinal);
        if (args > 0)
        {
            text = text[..args];
        }
        var assembly = text.LastIndexOf("] ", StringComparison.Ordinal);
        if (assembly > 0)
        {
            text = text[(assembly + 2)..];
        }
        return text.Length > 140 ? text[..140] : text;
    }
}
