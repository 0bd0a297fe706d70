namespace Shop.AppHost.LocalServers;

/// <summary>
/// Debian's prometheus-alertmanager run by DCP as an executable, receiving the alerts of the app's Prometheus and
/// routing them as monitoring/alertmanager.yml says. Its API (<c>/api/v2/alerts</c>) and UI are its <c>http</c>
/// endpoint on 127.0.0.1; clustering (gossip on 0.0.0.0:9094 by default) is off.
/// </summary>
public sealed class LocalAlertmanagerResource(string name, string command, string dataFolder) : ExecutableResource(name, command, dataFolder)
{
    internal const string HttpEndpointName = "http";

    public EndpointReference HttpEndpoint => field ??= new(this, HttpEndpointName);

    /// <summary>Silences and the notification log (emptied at every start).</summary>
    public string DataFolder => WorkingDirectory;
}
