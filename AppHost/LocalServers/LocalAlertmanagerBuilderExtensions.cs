using Shop.AppHost.Monitoring;

namespace Shop.AppHost.LocalServers;

public static class LocalAlertmanagerBuilderExtensions
{
    internal const string ConfigFileName = "alertmanager.yml";

    /// <summary>
    /// A prometheus-alertmanager of this machine on a loopback port, configured by <c>alertmanager.yml</c> of the
    /// monitoring folder (<see cref="MonitoringOptions.ConfigPath"/>), healthy once <c>/-/ready</c> answers.
    /// </summary>
    public static IResourceBuilder<LocalAlertmanagerResource> AddLocalAlertmanager(this IDistributedApplicationBuilder builder, [ResourceName] string name)
    {
        // The binary first: on a fresh machine, the package to install is the first thing to say.
        var alertmanager = new LocalAlertmanagerResource(name, ServerBinary.Alertmanager.Locate(builder.Configuration), LocalDataFolder.For(builder, name));
        var config = MonitoringFiles.Require(MonitoringOptions.From(builder), ConfigFileName);

        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(alertmanager, (_, _) =>
        {
            LocalDataFolder.Prepare(alertmanager, alertmanager.DataFolder);
            return Task.CompletedTask;
        });

        return builder.AddResource(alertmanager)
            .WithLoopbackEndpoint(LocalAlertmanagerResource.HttpEndpointName, scheme: "http")
            .WithArgs(context =>
            {
                context.Args.Add($"--config.file={config}");
                context.Args.Add($"--storage.path={Path.Combine(alertmanager.DataFolder, "data")}");
                context.Args.Add(ReferenceExpression.Create($"--web.listen-address=127.0.0.1:{alertmanager.HttpEndpoint.Property(EndpointProperty.TargetPort)}"));
                // One Alertmanager: no gossip port, which would otherwise listen on every interface.
                context.Args.Add("--cluster.listen-address=");
            })
            .WithHttpHealthCheck("/-/ready", endpointName: LocalAlertmanagerResource.HttpEndpointName)
            // Debian's alertmanager has no web UI: its API (or amtool) shows the alerts.
            .WithPageLinks(alertmanager.HttpEndpoint, ("/api/v2/alerts", "Alerts (API)"))
            .WithIconName("AlertUrgent")
            .ExcludeFromManifest();
    }
}
