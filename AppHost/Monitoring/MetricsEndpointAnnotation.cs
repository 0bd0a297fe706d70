namespace Shop.AppHost.Monitoring;

/// <summary>
/// Marks a resource whose every instance Prometheus scrapes, at <see cref="Path"/> of the instance's own HTTP port
/// (each replica, not DCP's proxy in front of them): <see cref="ScrapeTargetsWriter"/>.
/// </summary>
internal sealed class MetricsEndpointAnnotation(string path) : IResourceAnnotation
{
    public string Path { get; } = path;
}

internal static class MetricsEndpointExtensions
{
    /// <summary>The path ServiceDefaults maps in every service (ServiceDefaults/Metrics/MetricsEndpoint.cs).</summary>
    public const string ServiceMetricsPath = "/metrics";

    /// <summary>Prometheus scrapes every instance of this resource at <paramref name="path"/>.</summary>
    public static IResourceBuilder<T> WithMetricsEndpoint<T>(this IResourceBuilder<T> builder, string path = ServiceMetricsPath)
        where T : IResource =>
        builder.WithAnnotation(new MetricsEndpointAnnotation(path), ResourceAnnotationMutationBehavior.Replace);
}
