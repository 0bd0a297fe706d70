using Shop.Hosting.ApplicationModel;
using Shop.Hosting.Orchestration;

namespace Shop.Hosting.Dashboard;

/// <summary>
/// The dashboard's view of the resources: the app model gives the names and the order, the store the live
/// state. The dashboard starts before the orchestrator, so for a moment a resource has no state yet.
/// </summary>
internal sealed class DashboardResources(DistributedApplicationModel model, ResourceStore store)
{
    public ResourceStore Store => store;

    /// <summary>
    /// Names this run of the AppHost in log event ids: sequence numbers start again at 1 in the next run, and a
    /// browser tab left open across a restart must not skip the new run's first lines.
    /// </summary>
    public string RunId { get; } = Convert.ToHexStringLower(BitConverter.GetBytes(Random.Shared.NextInt64()), 0, 4);

    public IEnumerable<ResourceSnapshot> Snapshots() =>
        model.Resources.Select(r => ResourceSnapshotMapper.ToSnapshot(r, StateOf(r.Name)));

    public IResource? Find(string name) =>
        model.Resources.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The live state, or null while the orchestrator is still creating the states.</summary>
    public ResourceState? StateOf(string name) =>
        // The store's list is filled once, before Started completes, and never changes afterwards; reading it
        // earlier could race with the orchestrator adding to it.
        store.Started.IsCompletedSuccessfully
            ? store.All.FirstOrDefault(s => string.Equals(s.Resource.Name, name, StringComparison.OrdinalIgnoreCase))
            : null;
}
