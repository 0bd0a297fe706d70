using System.Diagnostics;
using System.Globalization;

namespace Shop.Hosting.Orchestration;

/// <summary>
/// A small shell process, in a session of its own, that watches the AppHost's pid. When the AppHost dies
/// without stopping its children (SIGKILL, a crash), it stops every child recorded in the pid folder.
/// Linux offers no reliable "kill my children when I die" for .NET: PR_SET_PDEATHSIG follows the thread
/// that forked, and thread-pool threads come and go.
/// </summary>
internal sealed class Watchdog : IDisposable
{
    // Arguments: AppHost pid, its start time, the pid folder. Pid files hold "pid starttime signal".
    private const string Script = """
        #!/usr/bin/env bash
        apphost=$1; apphost_start=$2; dir=$3
        starttime() { local s; s=$(cat /proc/$1/stat 2>/dev/null) || return 1; s=${s##*) }; set -- $s; echo "${20}"; }
        trap '' INT HUP
        trap 'exit 0' TERM
        while [ "$(starttime "$apphost")" = "$apphost_start" ]; do sleep 0.5 & wait $!; done
        victims=()
        for f in "$dir"/*.pid; do
          [ -e "$f" ] || continue
          read -r pid start sig < "$f"
          if [ -n "$pid" ] && [ "$(starttime "$pid")" = "$start" ]; then
            kill -"$sig" -- -"$pid" 2>/dev/null
            victims+=("$pid:$start")
          fi
          rm -f "$f"
        done
        for _ in $(seq 1 100); do
          left=0
          for v in "${victims[@]}"; do [ "$(starttime "${v%%:*}")" = "${v##*:}" ] && left=1; done
          [ "$left" = 0 ] && exit 0
          sleep 0.1
        done
        for v in "${victims[@]}"; do kill -KILL -- -"${v%%:*}" 2>/dev/null; done
        exit 0
        """;

    private readonly Process _process;

    private Watchdog(Process process) => _process = process;

    public int Pid => _process.Id;

    public static Watchdog Start(string appDataPath, string pidFolder)
    {
        var scriptPath = Path.Combine(appDataPath, "watchdog.sh");
        File.WriteAllText(scriptPath, Script.ReplaceLineEndings("\n") + "\n");
        var self = Environment.ProcessId;
        var info = new ProcessStartInfo("setsid")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "bash", scriptPath, self.ToString(CultureInfo.InvariantCulture),
                     (Native.ProcessStartTime(self) ?? 0).ToString(CultureInfo.InvariantCulture), pidFolder })
        {
            info.ArgumentList.Add(arg);
        }
        var process = Process.Start(info) ?? throw new DistributedApplicationException("Could not start the watchdog.");
        process.StandardInput.Close();
        return new Watchdog(process);
    }

    /// <summary>A clean stop: the AppHost stopped its children itself, so the watchdog just leaves.</summary>
    public void Dispose()
    {
        Native.Signal(_process.Id, Native.SIGTERM);
        _process.Dispose();
    }
}
