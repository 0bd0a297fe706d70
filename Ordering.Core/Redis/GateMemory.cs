using System.Globalization;

namespace Shop.Ordering.Core.Redis;

/// <summary>
/// What the gate's Redis uses and may use (<c>INFO memory</c>: used_memory, maxmemory; 0 = no limit), as reserve.lua
/// and checkout.lua read it for the soft memory limit and the worker samples it for the alert.
/// </summary>
public readonly record struct GateMemory(long UsedBytes, long MaxBytes)
{
    /// <summary>Reads <c>INFO memory</c>'s reply ("field:value" lines).</summary>
    public static GateMemory Parse(string info) => new(Field(info, "used_memory"), Field(info, "maxmemory"));

    private static long Field(string info, string name)
    {
        foreach (var line in info.Split('\n'))
        {
            var trimmed = line.TrimEnd('\r');
            if (trimmed.Length > name.Length && trimmed.StartsWith(name, StringComparison.Ordinal) && trimmed[name.Length] == ':')
            {
                return long.Parse(trimmed.AsSpan(name.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture);
            }
        }
        throw new FormatException($"INFO memory has no {name}.");
    }
}
