using System.Globalization;

namespace Shop.Bench;

/// <summary>CPU used by one part of the system during a measurement, in cores (1.0 = one core busy all the time).</summary>
public sealed record CpuShare(string Part, double Cores);

/// <summary>
/// Where the CPU went during a measurement, from /proc: each resource of the app is its processes, their
/// sessions (the AppHost starts every child in a session of its own) and their descendants (Postgres
/// backends count for postgres), the
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
        var children = stats.ToLookup(s => s.Value.Parent, s => s.Key);
        var result = new Dictionary<string, long> { ["bench (generator + orchestrator)"] = own.Ticks };
        foreach (var (part, pids) in _parts)
        {
            // The root processes, everything in their sessions (unless that is the benchmark's own session: the
            // bare Kestrel is a child of the benchmark), and all their descendants (a server that starts a
            // session of its own, as the Postgres postmaster does, keeps its backends as children).
            var members = new HashSet<int>();
            var sessions = pids.Where(stats.ContainsKey).Select(p => stats[p].Session).Where(s => s != ownSession).ToHashSet();
            members.UnionWith(stats.Where(s => sessions.Contains(s.Value.Session)).Select(s => s.Key));
            var pending = new Stack<int>(pids.Where(stats.ContainsKey));
            while (pending.TryPop(out var pid))
            {
                if (members.Add(pid) || pids.Contains(pid))
                {
                    foreach (var child in children[pid])
                    {
                        if (!members.Contains(child))
                        {
                            pending.Push(child);
                        }
                    }
                }
            }
            // A descendant in a session of its own (postmaster) brings its session along.
            var moreSessions = members.Select(m => stats[m].Session).Where(s => s != ownSession && !sessions.Contains(s)).ToHashSet();
            members.UnionWith(stats.Where(s => moreSessions.Contains(s.Value.Session)).Select(s => s.Key));
            result[part] = members.Sum(m => stats[m].Ticks);
        }
        return result;
    }

    private static Dictionary<int, (int Parent, int Session, long Ticks)> ReadAllStats()
    {
        var stats = new Dictionary<int, (int, int, long)>();
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
                var parent = int.Parse(fields[1], CultureInfo.InvariantCulture);
                var session = int.Parse(fields[3], CultureInfo.InvariantCulture);
                var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                stats[pid] = (parent, session, ticks);
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
