using System.Diagnostics;
using System.Globalization;
using Aspire.Hosting.ApplicationModel;

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

    public async Task KillAsync()
    {
        using var process = Process.GetProcessById(Pid);
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    internal static IReadOnlyList<ResourceInstance> Of(ShopApp app, string resourceName)
    {
        var instances = new List<ResourceInstance>();
        foreach (var state in app.States.InstancesOf(resourceName).Where(s => s.Snapshot.State?.Text == KnownResourceStates.Running))
        {
            var pid = state.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value;
            if (pid is null)
            {
                continue;
            }
            var environment = state.Snapshot.EnvironmentVariables.Where(e => e.IsFromSpec && e.Value is not null)
                .GroupBy(e => e.Name).ToDictionary(g => g.Key, g => g.Last().Value!);
            instances.Add(new ResourceInstance(resourceName, state.ResourceId, Convert.ToInt32(pid, CultureInfo.InvariantCulture), environment));
        }
        return instances.Count > 0 ? instances : throw new InvalidOperationException($"{resourceName} has no running instance");
    }
}
