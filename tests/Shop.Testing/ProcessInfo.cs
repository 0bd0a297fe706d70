using System.Globalization;
using System.Text;

namespace Shop.Testing;

/// <summary>Reads what the kernel knows of a process: its environment and whether it still lives.</summary>
public static class ProcessInfo
{
    public const int SIGINT = 2;
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;

    /// <summary>kill(1): a negative pid signals the whole process group, as Ctrl+C in a terminal does. Its exit code (0: sent).</summary>
    public static int Signal(int pid, int signal)
    {
        using var kill = System.Diagnostics.Process.Start("/bin/kill", ["-s", signal.ToString(CultureInfo.InvariantCulture), "--", pid.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        return kill.ExitCode;
    }

    public static Dictionary<string, string> Environment(int pid)
    {
        var raw = File.ReadAllBytes($"/proc/{pid}/environ");
        return Encoding.UTF8.GetString(raw).Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Select(entry => entry.Split('=', 2))
            .Where(parts => parts.Length == 2)
            .GroupBy(parts => parts[0])
            .ToDictionary(g => g.Key, g => g.Last()[1]);
    }

    public static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // A zombie has exited already; only its parent has not collected it.
            return stat[(stat.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Every live process whose command line, environment or working folder mentions <paramref name="text"/>.</summary>
    public static IReadOnlyList<int> Mentioning(string text)
    {
        var found = new List<int>();
        foreach (var folder in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == System.Environment.ProcessId)
            {
                continue;
            }
            try
            {
                var cmdline = File.ReadAllText(Path.Combine(folder, "cmdline"));
                var environ = File.ReadAllText(Path.Combine(folder, "environ"));
                var cwd = new FileInfo(Path.Combine(folder, "cwd")).LinkTarget ?? "";
                if ((cmdline.Contains(text, StringComparison.Ordinal) || environ.Contains(text, StringComparison.Ordinal) || cwd.Contains(text, StringComparison.Ordinal))
                    && IsAlive(pid))
                {
                    found.Add(pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process ended while we looked.
            }
        }
        return found;
    }

    /// <summary>Every live descendant of <paramref name="pid"/> (children, their children, …), from /proc's parent links.</summary>
    public static IReadOnlyList<int> Descendants(int pid)
    {
        var parents = new Dictionary<int, int>();
        foreach (var folder in Directory.GetDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(folder), NumberStyles.None, CultureInfo.InvariantCulture, out var child) && ParentOf(child) is int parent)
            {
                parents[child] = parent;
            }
        }
        var found = new List<int>();
        var frontier = new Queue<int>([pid]);
        while (frontier.TryDequeue(out var current))
        {
            foreach (var child in parents.Where(p => p.Value == current).Select(p => p.Key))
            {
                found.Add(child);
                frontier.Enqueue(child);
            }
        }
        return found;
    }

    /// <summary>The addresses (ip:port) of the TCP sockets <paramref name="pid"/> listens on, IPv4 and IPv6.</summary>
    public static IReadOnlyList<string> ListeningAddresses(int pid)
    {
        var inodes = new HashSet<string>();
        try
        {
            foreach (var fd in Directory.GetFiles($"/proc/{pid}/fd"))
            {
                if (new FileInfo(fd).LinkTarget is { } target && target.StartsWith("socket:[", StringComparison.Ordinal))
                {
                    inodes.Add(target[8..^1]);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
        var addresses = new List<string>();
        foreach (var table in new[] { $"/proc/{pid}/net/tcp", $"/proc/{pid}/net/tcp6" })
        {
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                // st 0A = LISTEN; field 9 is the socket's inode.
                if (fields.Length > 9 && fields[3] == "0A" && inodes.Contains(fields[9]))
                {
                    addresses.Add(DecodeAddress(fields[1]));
                }
            }
        }
        return addresses;
    }

    /// <summary>The local ports of the established TCP connections into port <paramref name="port"/> on this machine.</summary>
    public static int EstablishedConnectionsTo(int port)
    {
        var count = 0;
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                // st 01 = ESTABLISHED, counted on the server's side (local address is the listening port).
                if (fields.Length > 3 && fields[3] == "01" && int.Parse(fields[1].Split(':')[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture) == port)
                {
                    count++;
                }
            }
        }
        return count;
    }

    private static int? ParentOf(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[1], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
    }

    // /proc/net/tcp writes addresses as little-endian hex words: 0100007F:1F90 is 127.0.0.1:8080.
    private static string DecodeAddress(string hex)
    {
        var parts = hex.Split(':');
        var bytes = Convert.FromHexString(parts[0]);
        for (var word = 0; word < bytes.Length; word += 4)
        {
            Array.Reverse(bytes, word, 4);
        }
        var port = int.Parse(parts[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return $"{new System.Net.IPAddress(bytes)}:{port}";
    }
}
