using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Shop.Bench;

/// <summary>
/// Reads a <see cref="PerfRecording"/> (the whole machine sampled while a measured load ran): each part's share of
/// the machine's time, and for the busiest, where it went by component (kernel, runtime, JIT, Kestrel, ASP.NET Core,
/// JWT validation, the Redis and RabbitMQ clients, telemetry, Postgres, Shop's own code ...) and by symbol. The
/// services run with DOTNET_PerfMapEnabled=1 (and W^X off) so that perf can name JIT-compiled .NET methods.
/// </summary>
public static partial class PerfProfile
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

    /// <summary>
    /// Where the machine's time went while <paramref name="recording"/> ran, as markdown: every part's share of all
    /// CPUs (idle included, so the shares add up to 100 %), then, for the busiest parts, by component and top symbols.
    /// </summary>
    public static async Task<string> ReportAsync(PerfRecording recording, CancellationToken cancellationToken)
    {
        var md = new StringBuilder().Append(CultureInfo.InvariantCulture, $"## {recording.Label}\n\n");
        if (!File.Exists(recording.DataFile))
        {
            return md.Append(CultureInfo.InvariantCulture, $"perf record failed: {recording.Errors}\n\n").ToString();
        }
        var samples = await SamplesAsync(recording.DataFile, cancellationToken).ConfigureAwait(false);
        if (samples.Count == 0)
        {
            return md.Append("perf recorded no samples.\n\n").ToString();
        }
        var cpus = Environment.ProcessorCount;
        md.Append(CultureInfo.InvariantCulture, $"{recording.Seconds:F1} s, {samples.Count:N0} samples on {cpus} CPUs: every CPU's time, idle included, is 100 %.\n\n");
        md.Append("| part | cores | share of the machine |\n| --- | --- | --- |\n");
        var byPart = samples.GroupBy(s => PartOf(s, recording.Parts)).OrderByDescending(g => g.Count()).ToList();
        foreach (var part in byPart.Where(p => p.Count() >= samples.Count * SmallestPartShown))
        {
            var share = (double)part.Count() / samples.Count;
            md.Append(CultureInfo.InvariantCulture, $"| {part.Key} | {share * cpus:F2} | {share:P1} |\n");
        }
        var small = byPart.Where(p => p.Count() < samples.Count * SmallestPartShown).ToList();
        if (small.Count > 0)
        {
            var share = (double)small.Sum(p => p.Count()) / samples.Count;
            md.Append(CultureInfo.InvariantCulture, $"| {small.Count} other processes, each < {SmallestPartShown:P1} | {share * cpus:F2} | {share:P1} |\n");
        }
        foreach (var part in byPart.Where(p => p.Key != Idle).Take(3))
        {
            var partTotal = (double)part.Count();
            md.Append(CultureInfo.InvariantCulture, $"\n### {part.Key}: by component\n\n| component | share of {part.Key} |\n| --- | --- |\n");
            foreach (var component in part.GroupBy(s => Component(s.Dso, s.Symbol)).OrderByDescending(g => g.Count()))
            {
                md.Append(CultureInfo.InvariantCulture, $"| {component.Key} | {component.Count() / partTotal:P1} |\n");
            }
            md.Append(CultureInfo.InvariantCulture, $"\n{part.Key}: by thread: ")
                .AppendJoin(", ", part.GroupBy(s => s.Thread).OrderByDescending(g => g.Count()).Take(6)
                    .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key} {g.Count() / partTotal:P0}")))
                .Append("\n\n");
            md.Append(CultureInfo.InvariantCulture, $"{part.Key}: top symbols (self time)\n\n```\n");
            foreach (var symbol in part.GroupBy(s => s.Symbol).OrderByDescending(g => g.Count()).Take(20))
            {
                md.Append(CultureInfo.InvariantCulture, $"{symbol.Count() / partTotal,7:P1}  {Shorten(symbol.Key)}\n");
            }
            md.Append("```\n");
        }
        return md.Append('\n').ToString();
    }

    private const double SmallestPartShown = 0.005;

    /// <summary>The CPUs' idle time (perf's "swapper", pid 0).</summary>
    public const string Idle = "idle";

    /// <summary>
    /// The part a sample belongs to: the app's resource or the bench (by pid, descendants included), the CPUs' idle
    /// time, or else the process's own name, a kernel thread's without its CPU number ("ksoftirqd/1" → "ksoftirqd").
    /// </summary>
    public static string PartOf(int pid, string thread, IReadOnlyDictionary<int, string> parts) =>
        parts.TryGetValue(pid, out var part) ? part
        : pid == 0 ? Idle
        : thread.Split('/')[0];

    private static string PartOf(Sample sample, IReadOnlyDictionary<int, string> parts) => PartOf(sample.Pid, sample.Thread, parts);

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
        return dso switch
        {
            _ when dso.StartsWith("redis", StringComparison.Ordinal) => "redis-server",
            "postgres" => "postgres (executor, storage, WAL)",
            "beam.smp" => "Erlang VM (RabbitMQ)",
            _ => $"other ({dso})",
        };
    }

    private sealed record Sample(int Pid, string Thread, string Dso, string Symbol);

    /// <summary>Every sample: its process, thread name, library and symbol (perf script; each line one sample).</summary>
    private static async Task<List<Sample>> SamplesAsync(string data, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(PerfRecording.Binary!) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "script", "-i", data, "-F", "comm,pid,tid,ip,sym,dso", "-G" })
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
                samples.Add(new Sample(int.Parse(match.Groups["pid"].Value, CultureInfo.InvariantCulture), match.Groups["comm"].Value.Trim(), library, match.Groups["sym"].Value.Trim()));
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
