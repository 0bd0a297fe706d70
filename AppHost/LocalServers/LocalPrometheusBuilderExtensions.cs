using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Shop.AppHost.Monitoring;

namespace Shop.AppHost.LocalServers;

public static class LocalPrometheusBuilderExtensions
{
    /// <summary>
    /// A prometheus of this machine on a loopback port, started with monitoring/prometheus.yml rendered into its data
    /// folder (<see cref="PrometheusConfig"/>), scraping every instance of the resources marked with
    /// <see cref="MetricsEndpointExtensions.WithMetricsEndpoint"/> and alerting <paramref name="alertmanager"/>;
    /// healthy once <c>/-/ready</c> answers. Waits for the Alertmanager, so that no alert is evaluated unsent.
    /// </summary>
    public static IResourceBuilder<LocalPrometheusResource> AddLocalPrometheus(this IDistributedApplicationBuilder builder, [ResourceName] string name,
        IResourceBuilder<LocalAlertmanagerResource> alertmanager)
    {
        ArgumentNullException.ThrowIfNull(alertmanager);
        // The binary first: on a fresh machine, the package to install is the first thing to say.
        var prometheus = new LocalPrometheusResource(name, ServerBinary.Prometheus.Locate(builder.Configuration), LocalDataFolder.For(builder, name));
        var options = MonitoringOptions.From(builder);
        var template = MonitoringFiles.Require(options, PrometheusConfig.FileName);
        var config = Path.Combine(prometheus.DataFolder, PrometheusConfig.FileName);

        var targets = new ScrapeTargetsFile(Path.Combine(prometheus.DataFolder, PrometheusConfig.ServicesTargetsFile));
        builder.Services.AddHostedService(services => new ScrapeTargetsWriter(
            services.GetRequiredService<ResourceNotificationService>(),
            services.GetRequiredService<DistributedApplicationModel>(),
            targets,
            services.GetRequiredService<ILogger<ScrapeTargetsWriter>>()));

        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(prometheus, async (_, ct) =>
        {
            // A fresh folder at every start, like a container without a volume; then the files it starts from.
            LocalDataFolder.Prepare(prometheus, prometheus.DataFolder);
            var rendered = PrometheusConfig.Render(await File.ReadAllTextAsync(template, ct).ConfigureAwait(false), options.ConfigPath, options);
            await File.WriteAllTextAsync(config, rendered, ct).ConfigureAwait(false);
            await AlertmanagerTargets.WriteAsync(Path.Combine(prometheus.DataFolder, PrometheusConfig.AlertmanagerTargetsFile), alertmanager.Resource.HttpEndpoint, ct).ConfigureAwait(false);
            await targets.RewriteAsync(ct).ConfigureAwait(false);
        });

        return builder.AddResource(prometheus)
            .WithLoopbackEndpoint(LocalPrometheusResource.HttpEndpointName, scheme: "http")
            .WithArgs(context =>
            {
                context.Args.Add($"--config.file={config}");
                context.Args.Add($"--storage.tsdb.path={Path.Combine(prometheus.DataFolder, "data")}");
                context.Args.Add(ReferenceExpression.Create($"--web.listen-address=127.0.0.1:{prometheus.HttpEndpoint.Property(EndpointProperty.TargetPort)}"));
            })
            .WithHttpHealthCheck("/-/ready", endpointName: LocalPrometheusResource.HttpEndpointName)
            // Debian's prometheus serves the classic UI only (/classic/…): the dashboard links its two useful pages.
            .WithPageLinks(prometheus.HttpEndpoint, ("/classic/targets", "Targets"), ("/classic/alerts", "Alerts"))
            .WithIconName("ChartMultiple")
            .WaitFor(alertmanager)
            .ExcludeFromManifest();
    }
}
