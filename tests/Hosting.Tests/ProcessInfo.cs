using System.Globalization;
using System.Text;

namespace Shop.Hosting.Tests;

/// <summary>Reads what the kernel knows of a process: its environment and whether it still lives.</summary>
internal static class ProcessInfo
{
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
}
