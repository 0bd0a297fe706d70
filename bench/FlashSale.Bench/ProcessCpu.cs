using System.Globalization;

namespace Shop.Bench;

/// <summary>
/// CPU used by one part of the system during a measurement, in cores (1.0 = one core busy all the time), and the
/// context switches of its threads per second (voluntary: a thread blocked or waited; involuntary: preempted).
/// </summary>
public sealed record CpuShare(string Part, double Cores, double? VoluntarySwitchesPerSecond = null, double? InvoluntarySwitchesPerSecond = null);

/// <summary>
/// Where the CPU went during a measurement, from /proc: each resource of the app is its processes and their
/// descendants (Postgres backends count for postgres, RabbitMQ's beam for messaging), the benchmark process
/// itself (generator plus the in-process orchestrator), and the rest of the machine (DCP, other work on a shared
/// box) from /proc/stat. Sessions are not followed: DCP starts every resource in one session of its own, so a
/// session would be the whole app.
/// </summary>
/// <remarks>
/// A process's CPU is its own time plus the time of the children it has reaped (utime + stime + cutime + cstime).
/// Processes come and go during a measurement (Postgres backends end when a pool prunes a connection): summing only
/// the own time of the processes alive at each end lost a backend's whole life when it ended in between, and the
/// table once showed Postgres at −32 cores and the rest of the machine at +33. With the reaped children's time a
/// process that ends moves into its parent's figure, so the parts add up to the machine's. The hypervisor's steal is
/// reported apart: it is time the machine did not get, not time anything here used.
/// </remarks>
public sealed class ProcessCpu
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux

    private readonly IReadOnlyDictionary<string, IReadOnlyList<int>> _parts;
    private Dictionary<string, (long Ticks, Dictionary<int, (long Voluntary, long Involuntary)> Threads)>? _start;
    private long _machineStart;
    private long _stealStart;
    private DateTime _startedAt;

    /// <param name="parts">Part name → root pids (each one's whole session is counted).</param>
    public ProcessCpu(IReadOnlyDictionary<string, IReadOnlyList<int>> parts) => _parts = parts;

    public static bool Supported => File.Exists("/proc/stat");

    /// <summary>The machine's busy time (steal excluded) less every part's: DCP, the kernel's threads, anything else.</summary>
    public const string RestOfMachine = "rest of the machine";

    /// <summary>Every core's busy time (user, nice, system, irq, softirq), in cores.</summary>
    public const string MachineTotal = "machine total";

    /// <summary>Time the hypervisor gave to other guests while this one wanted to run, in cores.</summary>
    public const string Steal = "steal";

    public void Start()
    {
        if (!Supported)
        {
            return;
        }
        _start = Sample();
        (_machineStart, _stealStart) = MachineTicks();
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
        var shares = end.Select(p =>
        {
            var start = _start.GetValueOrDefault(p.Key);
            // Per thread: a thread that ended in between takes its switches along (an undercount, never a negative).
            long voluntary = 0, involuntary = 0;
            foreach (var (tid, (v, i)) in p.Value.Threads)
            {
                var (v0, i0) = start.Threads?.GetValueOrDefault(tid) ?? default;
                voluntary += Math.Max(0, v - v0);
                involuntary += Math.Max(0, i - i0);
            }
            return new CpuShare(p.Key, (p.Value.Ticks - start.Ticks) / TicksPerSecond / seconds, voluntary / seconds, involuntary / seconds);
        }).ToList();
        var (busy, steal) = MachineTicks();
        var machine = (busy - _machineStart) / TicksPerSecond / seconds;
        // Not clamped at zero: a negative rest would say the accounting is wrong, and the report shows it.
        shares.Add(new CpuShare(RestOfMachine, machine - shares.Sum(s => s.Cores)));
        shares.Add(new CpuShare(MachineTotal, machine));
        shares.Add(new CpuShare(Steal, (steal - _stealStart) / TicksPerSecond / seconds));
        return shares;
    }

    private Dictionary<string, (long Ticks, Dictionary<int, (long Voluntary, long Involuntary)> Threads)> Sample()
    {
        var stats = ReadAllStats();
        var result = new Dictionary<string, (long, Dictionary<int, (long, long)>)> { [BenchPart] = Totals([Environment.ProcessId], stats) };
        foreach (var (part, members) in MembersOf(stats))
        {
            result[part] = Totals(members, stats);
        }
        return result;
    }

    /// <summary>The part the benchmark process itself is counted in.</summary>
    public const string BenchPart = "bench (generator + orchestrator)";

    /// <summary>Which part each process running now belongs to (pid → part), the benchmark's own included: for a profiler.</summary>
    public IReadOnlyDictionary<int, string> PartOfEachProcess()
    {
        var parts = new Dictionary<int, string> { [Environment.ProcessId] = BenchPart };
        foreach (var (part, members) in MembersOf(ReadAllStats()))
        {
            foreach (var pid in members)
            {
                parts[pid] = part;
            }
        }
        return parts;
    }

    /// <summary>Each part's root processes and all their descendants.</summary>
    private IEnumerable<(string Part, HashSet<int> Members)> MembersOf(Dictionary<int, (int Parent, int Session, long Ticks)> stats)
    {
        var children = stats.ToLookup(s => s.Value.Parent, s => s.Key);
        foreach (var (part, pids) in _parts)
        {
            var members = new HashSet<int>();
            var pending = new Stack<int>(pids.Where(stats.ContainsKey));
            while (pending.TryPop(out var pid))
            {
                if (members.Add(pid))
                {
                    foreach (var child in children[pid])
                    {
                        pending.Push(child);
                    }
                }
            }
            yield return (part, members);
        }
    }

    private static (long Ticks, Dictionary<int, (long Voluntary, long Involuntary)> Threads) Totals(IEnumerable<int> pids, Dictionary<int, (int Parent, int Session, long Ticks)> stats)
    {
        long ticks = 0;
        var threads = new Dictionary<int, (long, long)>();
        foreach (var pid in pids)
        {
            ticks += stats.TryGetValue(pid, out var stat) ? stat.Ticks : 0;
            ContextSwitches(pid, threads);
        }
        return (ticks, threads);
    }

    /// <summary>The context switches of each thread of a process so far (/proc/PID/status counts only its main thread).</summary>
    private static void ContextSwitches(int pid, Dictionary<int, (long Voluntary, long Involuntary)> threads)
    {
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                long voluntary = 0, involuntary = 0;
                try
                {
                    foreach (var line in File.ReadLines(Path.Combine(task, "status")))
                    {
                        if (line.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal))
                        {
                            voluntary += long.Parse(line.AsSpan(24).Trim(), CultureInfo.InvariantCulture);
                        }
                        else if (line.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal))
                        {
                            involuntary += long.Parse(line.AsSpan(27).Trim(), CultureInfo.InvariantCulture);
                        }
                    }
                    threads[int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture)] = (voluntary, involuntary);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
                {
                    // The thread ended while we looked.
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The process ended while we looked.
        }
    }

    /// <summary>
    /// The process that does a resource's work: DCP starts a project as <c>dotnet run --project … --no-build</c>,
    /// whose child is the service itself (the pid Aspire reports is the launcher's). Any other pid is its own.
    /// </summary>
    public static int ServiceProcess(int pid)
    {
        try
        {
            var arguments = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0');
            if (arguments.Length > 1 && Path.GetFileName(arguments[0]) == "dotnet" && arguments[1] == "run")
            {
                var child = ReadAllStats().Where(s => s.Value.Parent == pid).Select(s => s.Key).Order().FirstOrDefault();
                return child != 0 ? child : pid;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The process ended while we looked.
        }
        return pid;
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
                // utime, stime, and the reaped children's cutime, cstime (see the remarks above).
                var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)
                    + long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture);
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

    private static (long Busy, long Steal) MachineTicks()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // cpu user nice system idle iowait irq softirq steal ...
        long Field(int i) => long.Parse(fields[i], CultureInfo.InvariantCulture);
        return (Field(1) + Field(2) + Field(3) + Field(6) + Field(7), Field(8));
    }
}
