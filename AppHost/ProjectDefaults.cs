// WithoutHttpsCertificate is an evaluation API in Aspire 13.6; without it DCP warns of a missing dev certificate.
#pragma warning disable ASPIRECERTIFICATES001

using Shop.AppHost.Monitoring;

namespace Shop.AppHost;

internal static class ProjectDefaults
{
    /// <summary>
    /// A Shop service: plain HTTP inside the app (TLS ends at the ingress in a deployment, so no development
    /// certificate is needed or asked for), healthy when its <c>/health</c> says so, which covers its dependencies,
    /// scraped by Prometheus at every replica's <c>/metrics</c> (ServiceDefaults maps it), and stopped before the
    /// servers when the AppHost stops (<see cref="ServicesStopFirst"/>).
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddShopService<TProject>(this IDistributedApplicationBuilder builder, string name)
        where TProject : IProjectMetadata, new() =>
        builder.StopsServicesFirst().AddProject<TProject>(name)
            .WithoutHttpsCertificate()
            .WithHttpHealthCheck("/health")
            .WithMetricsEndpoint();

    /// <summary>The endpoint on which a service the internet reaches serves its probes and metrics (ServiceDefaults' ManagementPort).</summary>
    public const string ManagementEndpointName = "management";

    /// <summary>The variable that tells such a service its management port (ServiceDefaults reads it as <c>Management:Port</c>; the scrape targets read it too).</summary>
    public const string ManagementPortVariable = "Management__Port";

    /// <summary>
    /// The Shop service the internet reaches (the storefront): as <see cref="AddShopService{TProject}"/>, but its
    /// <c>/health</c>, <c>/alive</c> and <c>/metrics</c> are served on an endpoint of their own (<see cref="ManagementEndpointName"/>,
    /// its port given as <c>Management__Port</c>), which the health check and Prometheus use and which is never
    /// external; every other HTTP endpoint is (the ingress's, in a deployment). Its public port answers those paths 404.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddShopEdgeService<TProject>(this IDistributedApplicationBuilder builder, string name)
        where TProject : IProjectMetadata, new()
    {
        var service = builder.StopsServicesFirst().AddProject<TProject>(name)
            .WithoutHttpsCertificate()
            .WithHttpEndpoint(name: ManagementEndpointName);
        var management = service.GetEndpoint(ManagementEndpointName);
        foreach (var endpoint in service.Resource.Annotations.OfType<EndpointAnnotation>()
            .Where(e => e.Name != ManagementEndpointName && e.UriScheme is "http" or "https"))
        {
            endpoint.IsExternal = true;
        }
        return service
            .WithEnvironment(ManagementPortVariable, management.Property(EndpointProperty.TargetPort))
            .WithHttpHealthCheck("/health", endpointName: ManagementEndpointName)
            .WithMetricsEndpoint();
    }

    /// <summary>
    /// A Shop project that runs to completion (the migrations): no development certificate (it serves nothing), no
    /// endpoint and no health check (what waits for it waits for its exit code), not scraped (it is gone before
    /// Prometheus would look); stopped before the servers like a service, so a migration cut short by Ctrl+C ends
    /// while its database still answers.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddShopJob<TProject>(this IDistributedApplicationBuilder builder, string name)
        where TProject : IProjectMetadata, new() =>
        builder.StopsServicesFirst().AddProject<TProject>(name)
            .WithoutHttpsCertificate();
}
