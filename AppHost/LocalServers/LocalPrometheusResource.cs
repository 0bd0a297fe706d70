namespace Shop.AppHost.LocalServers;

/// <summary>
/// Debian's prometheus run by DCP as an executable: scrapes every Shop service replica (targets written by the
/// AppHost, Monitoring/ScrapeTargetsWriter.cs), evaluates monitoring/alerts.yml and sends alerts to the app's
/// Alertmanager. Its web UI and API are its <c>http</c> endpoint on 127.0.0.1, linked from the dashboard.
/// </summary>
public sealed class LocalPrometheusResource(string name, string command, string dataFolder) : ExecutableResource(name, command, dataFolder)
{
    internal const string HttpEndpointName = "http";

    public EndpointReference HttpEndpoint => field ??= new(this, HttpEndpointName);

    /// <summary>The rendered prometheus.yml, the targets files and the time series (emptied at every start).</summary>
    public string DataFolder => WorkingDirectory;
}
