namespace Shop.AppHost.Monitoring;

/// <summary>
/// One instance Prometheus scrapes: a replica of a service, at its own port. Labelled <c>service</c> (the resource)
/// and <c>instance</c> (the replica's name, as the dashboard shows it), so an alert names the replica and keeps
/// naming it when a restart moves it to another port.
/// </summary>
internal sealed record ScrapeTarget(string Service, string Instance, string Address, string MetricsPath)
{
    /// <summary>
    /// The target of a resource instance, from the port it was told to listen on (<c>Management__Port</c>, else the
    /// first of <c>ASPNETCORE_URLS</c>, in the environment DCP started it with; DCP's proxy listens on the resource's
    /// own port); null until DCP made it.
    /// </summary>
    public static ScrapeTarget? Of(ResourceEvent instance, MetricsEndpointAnnotation endpoint)
    {
        // A service with a management port (ProjectDefaults.AddShopEdgeService) serves /metrics there only.
        if (instance.Snapshot.EnvironmentVariables.LastOrDefault(e => e.Name == ProjectDefaults.ManagementPortVariable && e.IsFromSpec)?.Value is { Length: > 0 } managementPort)
        {
            return new ScrapeTarget(instance.Resource.Name, instance.ResourceId, $"127.0.0.1:{managementPort}", endpoint.Path);
        }
        var urls = instance.Snapshot.EnvironmentVariables.LastOrDefault(e => e.Name == "ASPNETCORE_URLS" && e.IsFromSpec)?.Value;
        var http = urls?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .FirstOrDefault(u => u.StartsWith("http://", StringComparison.OrdinalIgnoreCase));
        if (http is null)
        {
            return null;
        }
        // Kestrel's wildcards (http://*:port, http://+:port) are not host names; every service listens on loopback.
        var uri = new Uri(http.Replace("://*", "://localhost", StringComparison.Ordinal).Replace("://+", "://localhost", StringComparison.Ordinal));
        return new ScrapeTarget(instance.Resource.Name, instance.ResourceId, $"127.0.0.1:{uri.Port}", endpoint.Path);
    }
}
