using Aspire.Hosting.Testing;
using Shop.Testing;

namespace Shop.IntegrationTests;

/// <summary>The app's Prometheus and Alertmanager with the real services: every replica scraped, an alert end to end.</summary>
[Collection(ShopAppCollection.Name)]
public sealed partial class RunningMonitoringTests(ShopAppFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Prometheus_scrapes_every_service_replica_at_its_own_port_and_finds_each_up()
    {
        var instances = ShopAppFixture.Services.SelectMany(fixture.Shop.Instances).ToDictionary(i => i.Name, StringComparer.Ordinal);
        Assert.Equal(7, instances.Count); // six services, ordering-api in two replicas
        IReadOnlyList<PrometheusApi.Target> targets = [];

        await Eventually.ReturnsAsync(async () =>
            {
                targets = await PrometheusApi.TargetsAsync(fixture.Prometheus);
                return targets.Count == instances.Count && targets.All(t => t.Health == "up") ? targets : null;
            },
            Patience, () => string.Join("; ", targets.Select(t => $"{t.Instance} {t.ScrapeUrl} {t.Health} {t.LastError}")));

        foreach (var target in targets)
        {
            var instance = instances[target.Instance];
            Assert.Equal(instance.ResourceName, target.Service);
            Assert.Equal($"http://127.0.0.1:{instance.ManagementPort}/metrics", target.ScrapeUrl);
        }
        // Both ordering-api replicas, each at its own port, and neither at DCP's proxy in front of them.
        var ordering = targets.Where(t => t.Service == "ordering-api").Select(t => new Uri(t.ScrapeUrl).Port).ToList();
        Assert.Equal(2, ordering.Distinct().Count());
        Assert.DoesNotContain(fixture.Shop.App.GetEndpoint("ordering-api", "http").Port, ordering);

        // The dashboard links Prometheus's targets page (Debian's prometheus serves the classic UI).
        var links = fixture.Shop.States.InstancesOf("prometheus").Single().Snapshot.Urls;
        var page = Assert.Single(links, u => u.DisplayProperties.DisplayName == "Targets");
        using var targetsPage = await fixture.Prometheus.GetAsync(new Uri(page.Url));
        Assert.Equal(System.Net.HttpStatusCode.OK, targetsPage.StatusCode);
        Assert.Contains("ordering-api", await targetsPage.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dead_worker_fires_ShopServiceDown_in_Alertmanager_and_starting_it_again_resolves_it()
    {
        var worker = fixture.Shop.Instances("ordering-worker").Single();
        IReadOnlyList<PrometheusApi.Target> targets = [];
        await Eventually.ReturnsAsync(async () =>
            {
                targets = await PrometheusApi.TargetsAsync(fixture.Prometheus);
                return targets.FirstOrDefault(t => t.Instance == worker.Name && t.Health == "up");
            },
            Patience, () => string.Join("; ", targets.Select(t => $"{t.Instance} {t.Health}")));

        // A crash (SIGKILL): Aspire's "stop" waits for a graceful exit that the worker, under `dotnet run`, does not
        // always make in DCP's time (seen: "timed out waiting for process to stop"), and a down service is a crash.
        await fixture.Shop.KillAndWaitExitedAsync(worker, TimeSpan.FromMinutes(1));

        IReadOnlyList<PrometheusApi.Alert> alerts = [];
        bool IsWorkerDown(PrometheusApi.Alert a) =>
            a.Labels.GetValueOrDefault("alertname") == "ShopServiceDown" && a.Labels.GetValueOrDefault("instance") == worker.Name;
        var fired = await Eventually.ReturnsAsync(async () =>
            {
                alerts = await PrometheusApi.AlertsAsync(fixture.Alertmanager);
                return alerts.FirstOrDefault(a => IsWorkerDown(a) && a.State == "active");
            },
            Patience, () => string.Join("; ", alerts.Select(a => $"{string.Join(",", a.Labels.Select(l => $"{l.Key}={l.Value}"))} {a.State}")));

        Assert.Equal("ordering-worker", fired.Labels["service"]);
        Assert.Equal("page", fired.Labels["severity"]);
        Assert.Equal(["shop-operators"], fired.Receivers);
        // Only the stopped service is down.
        Assert.DoesNotContain(alerts, a => a.Labels.GetValueOrDefault("alertname") == "ShopServiceDown" && !IsWorkerDown(a));

        // Aspire's "start" command, as the dashboard's Start button runs it.
        await fixture.Shop.StartAgainAsync(worker, TimeSpan.FromMinutes(2));

        // Resolved: Prometheus sends the resolution, and Alertmanager no longer lists the alert.
        await Eventually.ReturnsAsync(async () =>
            {
                alerts = await PrometheusApi.AlertsAsync(fixture.Alertmanager);
                return alerts.Any(IsWorkerDown) ? null : alerts;
            },
            Patience, () => string.Join("; ", alerts.Select(a => $"{string.Join(",", a.Labels.Select(l => $"{l.Key}={l.Value}"))} {a.State}")));
    }
}
