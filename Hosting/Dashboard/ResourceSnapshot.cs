using Shop.Hosting.Orchestration;

namespace Shop.Hosting.Dashboard;

/// <summary>One resource as <c>/api/resources</c> shows it: a copy taken at one moment, with secrets masked.</summary>
internal sealed record ResourceSnapshot(
    string Name,
    string Type,
    ResourceStateKind State,
    ResourceHealth Health,
    string? HealthDescription,
    string? Error,
    DateTimeOffset? StartedAt,
    int? Pid,
    int Restarts,
    IReadOnlyList<ReplicaSnapshot> Replicas,
    IReadOnlyList<EndpointSnapshot> Endpoints,
    IReadOnlyList<EnvironmentSnapshot> Environment,
    IReadOnlyList<string> WaitsFor,
    IReadOnlyList<string> References);

internal sealed record ReplicaSnapshot(int Index, int? Pid, int? Port, ResourceStateKind State, int Restarts, int? ExitCode);

/// <summary>An endpoint: <see cref="Url"/> is the stable address clients use; each replica has its own.</summary>
internal sealed record EndpointSnapshot(string Name, string? Url, bool IsExternal, IReadOnlyList<string> ReplicaUrls);

internal sealed record EnvironmentSnapshot(string Name, string Value, bool IsSecret);
