namespace Shop.Bench;

/// <summary>What every scenario of a run shares: the app, the buyers, the client, the options, the log.</summary>
public sealed class BenchContext(BenchedShop shop, BuyerPool buyers, LoadHttpClient http, BenchOptions options, Action<string> log)
{
    /// <summary>The app's parts the CPU is counted for: Shop's resources, and the bench's own baseline-api.</summary>
    public static readonly string[] Resources = ["ordering-api", "ordering-worker", "catalog-api", "webfrontend", BaselineComposition.Resource, "gate", "cache", "postgres", "messaging"];

    public BenchedShop Shop => shop;

    public BuyerPool Buyers => buyers;

    public LoadHttpClient Http => http;

    public BenchOptions Options => options;

    public void Log(string message) => log(message);

    /// <summary>
    /// Waits until the app is quiet: the .NET services (baseline-api too), both Redis (gate and cache), Postgres and RabbitMQ together
    /// use less than 0.12 core over a second (the worker has persisted the last scenario's orders, the tiered JIT
    /// has finished recompiling hot methods), at most <paramref name="limit"/>. Each scenario then starts from the
    /// same state.
    /// </summary>
    public async Task SettleAsync(CancellationToken cancellationToken, TimeSpan? limit = null)
    {
        if (!ProcessCpu.Supported)
        {
            return;
        }
        var clock = System.Diagnostics.Stopwatch.StartNew();
        double busy;
        do
        {
            var cpu = Cpu();
            cpu.Start();
            await Task.Delay(1000, cancellationToken).ConfigureAwait(false);
            busy = cpu.Stop().Where(s => Resources.Contains(s.Part)).Sum(s => s.Cores);
        }
        while (busy > 0.12 && clock.Elapsed < (limit ?? TimeSpan.FromSeconds(30)));
        Log($"settled: the app used {busy:F2} cores over the last second ({clock.Elapsed.TotalSeconds:F0} s)");
    }

    private readonly List<PerfRecording> _recordings = [];
    private bool _profiling;

    /// <summary>With --perf: every load measured from now on is also recorded with perf (the warm-up is not).</summary>
    public void ProfileFromNowOn() => _profiling = Options.Perf;

    /// <summary>
    /// The meter of one measured load, <paramref name="label"/> naming it in the profiles; <paramref name="extra"/>
    /// are processes that are not the app's (e.g. the bare Kestrel).
    /// </summary>
    public LoadMeter Meter(string label, params (string Part, int Pid)[] extra) =>
        new(Cpu(extra), label, (name, cpu) => _profiling ? PerfRecording.Start(name, cpu.PartOfEachProcess(), log) : null, _recordings.Add);

    /// <summary>
    /// With --perf: writes every load's profile into one file (a section each) and returns its path, or null when
    /// nothing was recorded. Removes perf's data files, and the perf maps the app's services wrote (megabytes each).
    /// </summary>
    public async Task<string?> WriteProfilesAsync(string file, string title, CancellationToken cancellationToken)
    {
        if (_recordings.Count == 0)
        {
            return null;
        }
        var text = new System.Text.StringBuilder($"# {title}\n\n");
        foreach (var recording in _recordings)
        {
            text.Append(await PerfProfile.ReportAsync(recording, cancellationToken).ConfigureAwait(false));
            recording.Delete();
        }
        await File.WriteAllTextAsync(file, text.ToString(), cancellationToken).ConfigureAwait(false);
        // Only the maps of the processes this run started (the app's and its own), never another program's.
        foreach (var pid in _recordings.SelectMany(r => r.Parts).Where(p => Resources.Contains(p.Value) || p.Value == ProcessCpu.BenchPart).Select(p => p.Key).Distinct())
        {
            File.Delete($"/tmp/perf-{pid}.map");
        }
        _recordings.Clear();
        return file;
    }

    /// <summary>A CPU meter over the app's resources (and any extra processes, e.g. the bare Kestrel).</summary>
    public ProcessCpu Cpu(params (string Part, int Pid)[] extra)
    {
        var parts = Resources.ToDictionary(r => r, r => shop.Pids(r));
        foreach (var (part, pid) in extra)
        {
            parts[part] = [pid];
        }
        return new ProcessCpu(parts);
    }
}
