using System.Globalization;

namespace Shop.Bench;

/// <summary>CPU used by one part of the system during a measurement, in cores (1.0 = one core busy all the time).</summary>
public sealed record CpuShare(string Part, double Cores);

/// <summary>
/// Where the CPU went during a measurement, from /proc: each resource of the app is its process session (the
/// AppHost starts every child in a session of its own, so a Postgres backend counts for postgres), the
/// benchmark process itself (generator plus the in-process orchestrator), and the rest of the machine (other
/// work on a shared box) from /proc/stat.
/// </summary>
public sealed class ProcessCpu
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux

    private readonly IReadOnlyDictionary<string, IReadOnlyList<int>> _parts;
    private Dictionary<string, long>? _start;
    private long _machineStart;
    private DateTime _startedAt;

    /// <param name="parts">Part name → root pids (each one's whole session is counted).</param>
    public ProcessCpu(IReadOnlyDictionary<string, IReadOnlyList<int>> parts) => _parts = parts;

    public static bool Supported => File.Exists("/proc/stat");

    public void Start()
    {
        if (!Supported)
        {
            return;
        }
        _start = Sample();
        _machineStart = MachineBusyTicks();
        _startedAt = DateTime.UtcNow;
    }

    public IReadOnlyList<CpuShare> Stop()
    {
        if (_start is null)
        {
            return [];
        }
        var end = Sample();
        var seconds = (DateTime.UtcNow - _startedAt).TotalSeconds;
        var shares = end.Select(p => new CpuShare(p.Key, (p.Value - _start.GetValueOrDefault(p.Key)) / TicksPerSecond / seconds)).ToList();
        var machine = (MachineBusyTicks() - _machineStart) / TicksPerSecond / seconds;
        shares.Add(new CpuShare("rest of the machine", Math.Max(0, machine - shares.Sum(s => s.Cores))));
        shares.Add(new CpuShare("machine total", machine));
        return shares;
    }

    private Dictionary<string, long> Sample()
    {
        var stats = ReadAllStats();
        var ownSession = stats.TryGetValue(Environment.ProcessId, out var own) ? own.Session : -1;
        var result = new Dictionary<string, long> { ["bench (generator + orchestrator)"] = own.Ticks };
        foreach (var (part, pids) in _parts)
        {
            var ticks = 0L;
            var sessions = new HashSet<int>();
            foreach (var pid in pids.Where(stats.ContainsKey))
            {
                if (stats[pid].Session == ownSession)
                {
                    ticks += stats[pid].Ticks; // a child of the benchmark itself (the bare Kestrel): just that process
                }
                else
                {
                    sessions.Add(stats[pid].Session);
                }
            }
            result[part] = ticks + stats.Values.Where(s => sessions.Contains(s.Session)).Sum(s => s.Ticks);
        }
        return result;
    }

    private static Dictionary<int, (int Session, long Ticks)> ReadAllStats()
    {
        var stats = new Dictionary<int, (int, long)>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }
            try
            {
                var text = File.ReadAllText(Path.Combine(directory, "stat"));
                // The command name is in parentheses and may contain spaces: fields start after the last ')'.
                var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
                var session = int.Parse(fields[3], CultureInfo.InvariantCulture);
                var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                stats[pid] = (session, ticks);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
            {
                // The process ended while we looked.
            }
        }
        return stats;
    }

    /// <summary>CPU seconds the processes' tiered-JIT background threads (".NET Tiered Com…") have used so far.</summary>
    public static double TieredCompilationSeconds(IEnumerable<int> pids)
    {
        var ticks = 0L;
        foreach (var pid in pids)
        {
            try
            {
                foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
                {
                    if (File.ReadAllText(Path.Combine(task, "comm")).StartsWith(".NET Tiered Com", StringComparison.Ordinal))
                    {
                        var text = File.ReadAllText(Path.Combine(task, "stat"));
                        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
                        ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
            {
                // A thread or the process ended while we looked.
            }
        }
        return ticks / TicksPerSecond;
    }

    private static long MachineBusyTicks()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // cpu user nice system idle iowait irq softirq steal ...
        long Field(int i) => long.Parse(fields[i], CultureInfo.InvariantCulture);
        return Field(1) + Field(2) + Field(3) + Field(6) + Field(7) + Field(8);
    }
}
