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
