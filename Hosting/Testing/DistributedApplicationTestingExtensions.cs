using Microsoft.Extensions.DependencyInjection;
using Shop.Hosting.ApplicationModel;
using Shop.Hosting.Orchestration;

namespace Shop.Hosting.Testing;

/// <summary>What a test asks of a running application: clients, connection strings and endpoints by resource name.</summary>
public static class DistributedApplicationTestingExtensions
{
    public static ResourceStore GetResources(this DistributedApplication app) => app.Services.GetRequiredService<ResourceStore>();

    public static Task WaitForResourceHealthyAsync(this DistributedApplication app, string name, CancellationToken cancellationToken = default) =>
        app.GetResources().WaitForHealthyAsync(name, cancellationToken);

    public static Task WaitForAllHealthyAsync(this DistributedApplication app, CancellationToken cancellationToken = default) =>
        app.GetResources().WaitForAllHealthyAsync(cancellationToken);

    /// <summary>The stable address of an endpoint (the proxy when the project has replicas).</summary>
    public static Uri GetEndpoint(this DistributedApplication app, string resourceName, string endpointName = "http")
    {
        var endpoint = Model(app).Find(resourceName).Annotations.OfType<EndpointAnnotation>().SingleOrDefault(e => e.Name == endpointName)
            ?? throw new KeyNotFoundException($"Resource '{resourceName}' has no endpoint named '{endpointName}'.");
        return new Uri(endpoint.Allocated?.Url ?? throw new InvalidOperationException("The application has not started: call StartAsync first."));
    }

    public static HttpClient CreateHttpClient(this DistributedApplication app, string resourceName, string endpointName = "http") =>
        new() { BaseAddress = app.GetEndpoint(resourceName, endpointName) };

    public static async Task<string> GetConnectionStringAsync(this DistributedApplication app, string resourceName, CancellationToken cancellationToken = default)
    {
        var resource = Model(app).Find(resourceName) as IResourceWithConnectionString
            ?? throw new InvalidOperationException($"Resource '{resourceName}' has no connection string.");
        return await resource.ConnectionStringExpression.GetValueAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Resource '{resourceName}' has no connection string yet.");
    }

    /// <summary>Where the application's dashboard listens (its JSON API is under /api/resources).</summary>
    public static Uri GetDashboardUri(this DistributedApplication app) =>
        new(app.Services.GetRequiredService<Dashboard.DashboardEndpoint>().Url
            ?? throw new InvalidOperationException("The dashboard is not listening: is it disabled, or has the application not started?"));

    private static DistributedApplicationModel Model(DistributedApplication app) => app.Services.GetRequiredService<DistributedApplicationModel>();
}
