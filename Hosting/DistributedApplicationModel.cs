using Shop.Hosting.ApplicationModel;

namespace Shop.Hosting;

/// <summary>The finished app model, shared by the orchestrator, the dashboard and the manifest writer.</summary>
public sealed class DistributedApplicationModel(
    IReadOnlyList<IResource> resources,
    DistributedApplicationExecutionContext executionContext,
    string appHostDirectory,
    string appDataPath)
{
    public IReadOnlyList<IResource> Resources { get; } = resources;

    public DistributedApplicationExecutionContext ExecutionContext { get; } = executionContext;

    public string AppHostDirectory { get; } = appHostDirectory;

    public string AppDataPath { get; } = appDataPath;

    public IResource Find(string name) =>
        Resources.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new KeyNotFoundException($"There is no resource named '{name}'. Resources: {string.Join(", ", Resources.Select(r => r.Name))}.");
}
