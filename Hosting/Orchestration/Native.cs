using System.Runtime.InteropServices;

namespace Shop.Hosting.Orchestration;

/// <summary>The few POSIX calls .NET does not expose: signals to process groups, and who we run as.</summary>
internal static partial class Native
{
    public const int SIGINT = 2;
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();

    public static bool IsRoot => GetEffectiveUserId() == 0;

    /// <summary>Signals the whole process group led by <paramref name="pid"/> (each child runs in its own session).</summary>
    public static bool SignalGroup(int pid, int signal) => Kill(-pid, signal) == 0;

    public static bool Signal(int pid, int signal) => Kill(pid, signal) == 0;

    /// <summary>
    /// The process start time in clock ticks since boot (field 22 of /proc/pid/stat), or null when the process
    /// is gone. Together with the pid it names one process for good: pids are reused, start times are not.
    /// </summary>
    public static long? ProcessStartTime(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name (field 2) is in parentheses and may contain spaces; count fields after it.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[19], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}
