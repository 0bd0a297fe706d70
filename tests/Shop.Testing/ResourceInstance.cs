using System.Diagnostics;
using System.Globalization;

namespace Shop.Testing;

/// <summary>One running instance of a resource (a replica of a project, or a server process), as DCP reports it.</summary>
/// <param name="ResourceName">The resource in the AppHost (<c>ordering-api</c>).</param>
/// <param name="Name">This instance's own name (<c>ordering-api-abcdefgh</c>), which Aspire's commands take.</param>
public sealed record ResourceInstance(string ResourceName, string Name, int Pid, IReadOnlyDictionary<string, string> Environment)
{
    /// <summary>The port the instance itself listens on for HTTP (behind DCP's proxy), from its ASPNETCORE_URLS.</summary>
    public int HttpPort => Environment.TryGetValue("ASPNETCORE_URLS", out var urls)
        ? new Uri(urls.Split(';')[0].Replace("*", "localhost", StringComparison.Ordinal).Replace("+", "localhost", StringComparison.Ordinal)).Port
        : throw new InvalidOperationException($"{Name} has no ASPNETCORE_URLS");

    public Uri HttpAddress => new($"http://127.0.0.1:{HttpPort}");

    /// <summary>
    /// Where the instance serves /health, /alive and /metrics: its management port (Management__Port, the storefront's),
    /// else its HTTP port.
    /// </summary>
    public int ManagementPort => Environment.TryGetValue("Management__Port", out var port)
        ? int.Parse(port, CultureInfo.InvariantCulture)
        : HttpPort;

    public Uri ManagementAddress => new($"http://127.0.0.1:{ManagementPort}");

    public async Task KillAsync()
    {
        using var process = Process.GetProcessById(Pid);
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }
}
