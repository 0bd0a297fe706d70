using Shop.Hosting.ApplicationModel;
using Shop.Hosting.Orchestration;

namespace Shop.Hosting.Dashboard;

/// <summary>Turns the live model (annotations and runner state) into the dashboard's snapshots.</summary>
internal static class ResourceSnapshotMapper
{
    /// <summary>What the dashboard sends instead of a secret value; the value itself never leaves the AppHost.</summary>
    public const string Mask = "********";

    /// <param name="resource">The resource from the app model.</param>
    /// <param name="state">Its live state, or null before the orchestrator has created it.</param>
    public static ResourceSnapshot ToSnapshot(IResource resource, ResourceState? state)
    {
        var replicas = state?.Replicas ?? [];
        return new ResourceSnapshot(
            resource.Name,
            state?.Type ?? ResourceTypes.Of(resource),
            state?.State ?? ResourceStateKind.NotStarted,
            state?.Health ?? ResourceHealth.Unknown,
            state?.HealthDescription,
            state?.Error,
            state?.StartedAt,
            replicas.FirstOrDefault(r => r.State is ResourceStateKind.Running && r.Pid is not null)?.Pid,
            state?.Restarts ?? 0,
            [.. replicas.Select(r => new ReplicaSnapshot(r.Index, r.Pid, r.Port, r.State, r.Restarts, r.ExitCode))],
            [.. resource.Annotations.OfType<EndpointAnnotation>().Select(ToSnapshot)],
            [.. (state?.Environment ?? []).OrderBy(e => e.Name, StringComparer.Ordinal).Select(ToSnapshot)],
            [.. WaitsFor(resource)],
            [.. resource.Annotations.OfType<ResourceReferenceAnnotation>().Select(r => r.Resource.Name).Distinct(StringComparer.OrdinalIgnoreCase)]);
    }

    private static EndpointSnapshot ToSnapshot(EndpointAnnotation endpoint)
    {
        var allocated = endpoint.Allocated;
        IReadOnlyList<string> replicaUrls = allocated is null
            ? []
            : [.. endpoint.ReplicaPorts.Select(port => (allocated with { Port = port }).Url)];
        return new EndpointSnapshot(endpoint.Name, allocated?.Url, endpoint.IsExternal, replicaUrls);
    }

    private static EnvironmentSnapshot ToSnapshot(EnvironmentEntry entry) =>
        new(entry.Name, entry.IsSecret ? Mask : entry.Value, entry.IsSecret);

    /// <summary>What the orchestrator waits for before starting the resource: its parent, then its WaitFor()s.</summary>
    private static IEnumerable<string> WaitsFor(IResource resource)
    {
        var parent = resource is IResourceWithParent child ? [child.Parent] : Array.Empty<IResource>();
        return parent.Concat(resource.Annotations.OfType<WaitAnnotation>().Select(w => w.Resource))
            .Select(r => r.Name)
            .Distinct(StringComparer.OrdinalIgnoreCase);
    }
}
