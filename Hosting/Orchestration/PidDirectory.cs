using System.Globalization;

namespace Shop.Hosting.Orchestration;

/// <summary>
/// <c>{app data}/pids</c>: one file per running child, "pid starttime signal". The watchdog script reads the
/// same format; the start time guards against killing an unrelated process that reused the pid.
/// </summary>
internal sealed class PidDirectory(string path)
{
    public string Path { get; } = path;

    public PidFile Record(string name, int pid, int stopSignal)
    {
        Directory.CreateDirectory(Path);
        var file = System.IO.Path.Combine(Path, $"{name}.pid");
        var startTime = Native.ProcessStartTime(pid) ?? 0;
        File.WriteAllText(file, string.Create(CultureInfo.InvariantCulture, $"{pid} {startTime} {stopSignal}\n"));
        return new PidFile(file);
    }

    /// <summary>
    /// Stops children left by an AppHost that was killed together with its watchdog. Returns how many were found.
    /// </summary>
    public async Task<int> KillLeftoversAsync(TimeSpan timeout)
    {
        if (!Directory.Exists(Path))
        {
            return 0;
        }
        var alive = new List<int>();
        foreach (var file in Directory.GetFiles(Path, "*.pid"))
        {
            var parts = File.ReadAllText(file).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (parts.Length >= 3
                && int.TryParse(parts[0], CultureInfo.InvariantCulture, out var pid)
                && long.TryParse(parts[1], CultureInfo.InvariantCulture, out var startTime)
                && int.TryParse(parts[2], CultureInfo.InvariantCulture, out var signal)
                && Native.ProcessStartTime(pid) == startTime)
            {
                Native.SignalGroup(pid, signal);
                alive.Add(pid);
            }
            File.Delete(file);
        }
        var deadline = DateTime.UtcNow + timeout;
        while (alive.Any(p => Native.ProcessStartTime(p) is not null) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100).ConfigureAwait(false);
        }
        foreach (var pid in alive)
        {
            Native.SignalGroup(pid, Native.SIGKILL);
        }
        return alive.Count;
    }
}

internal sealed class PidFile(string path)
{
    public void Delete() => File.Delete(path);
}
