namespace Shop.Hosting.Orchestration;

public readonly record struct HealthResult(ResourceHealth Health, string? Description)
{
    public static HealthResult Healthy(string? description = null) => new(ResourceHealth.Healthy, description);

    public static HealthResult Unhealthy(string description) => new(ResourceHealth.Unhealthy, description);
}

/// <summary>Starts, checks and stops one kind of resource on this machine.</summary>
internal abstract class ResourceRunner(ResourceState state, RunContext context)
{
    public ResourceState State { get; } = state;

    /// <summary>Held while the resource starts or stops, so a restart never overlaps the application's shutdown.</summary>
    public SemaphoreSlim Lifecycle { get; } = new(1, 1);

    protected RunContext Context { get; } = context;

    /// <summary>Projects stop first, servers last, so nothing loses its database while still serving.</summary>
    public virtual int StopOrder => 0;

    /// <summary>Starts the resource; returns once its processes are launched (health comes later).</summary>
    public abstract Task StartAsync(CancellationToken cancellationToken);

    public abstract Task<HealthResult> CheckHealthAsync(CancellationToken cancellationToken);

    public abstract Task StopAsync();

    /// <summary>Kills one replica with SIGKILL, as a crash would (fault tests). Not every resource has processes.</summary>
    public virtual Task KillAsync(int replica) =>
        throw new DistributedApplicationException($"Resource '{State.Resource.Name}' has no process to kill.");
}
