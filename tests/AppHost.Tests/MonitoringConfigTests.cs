using System.Diagnostics;
using System.Text.Json;
using Aspire.Hosting;
using Shop.AppHost.Monitoring;

namespace Shop.AppHost.Tests;

/// <summary>What the AppHost gives its Prometheus: the rendered prometheus.yml and the targets file.</summary>
[Collection(OneAtATime.Name)]
public sealed class MonitoringConfigTests : IDisposable
{
    private static readonly string MonitoringFolder = Path.GetFullPath("../monitoring",
        Projects.AppHost.ProjectPath.EndsWith(".csproj", StringComparison.Ordinal) ? Path.GetDirectoryName(Projects.AppHost.ProjectPath)! : Projects.AppHost.ProjectPath);

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("shop-promconfig-");

    [Fact]
    public async Task The_rendered_prometheus_yml_takes_the_intervals_finds_the_rules_and_passes_promtool()
    {
        var template = await File.ReadAllTextAsync(Path.Combine(MonitoringFolder, "prometheus.yml"));
        var options = new MonitoringOptions { ConfigPath = MonitoringFolder, ScrapeInterval = "1s", EvaluationInterval = "2s" };

        var rendered = PrometheusConfig.Render(template, MonitoringFolder, options);

        Assert.Contains("scrape_interval: 1s", rendered, StringComparison.Ordinal);
        Assert.Contains("evaluation_interval: 2s", rendered, StringComparison.Ordinal);
        Assert.Contains($"- {Path.Combine(MonitoringFolder, "alerts.yml")}", rendered, StringComparison.Ordinal);
        Assert.Contains(PrometheusConfig.ServicesTargetsFile, rendered, StringComparison.Ordinal);
        Assert.Contains(PrometheusConfig.AlertmanagerTargetsFile, rendered, StringComparison.Ordinal);

        // Prometheus's own check, from the data folder the rendered file lives in (where targets/ is written).
        var path = Path.Combine(_folder.FullName, PrometheusConfig.FileName);
        await File.WriteAllTextAsync(path, rendered);
        var (exitCode, output) = await PromtoolAsync("check", "config", path);
        Assert.True(exitCode == 0, output);
        Assert.Contains("SUCCESS: 1 rule files found", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_settings_the_rendered_file_keeps_the_repository_intervals()
    {
        var template = "global:\n  scrape_interval: 15s\n  scrape_timeout: 10s\nrule_files: [alerts.yml]\n";

        var rendered = PrometheusConfig.Render(template, "/etc/shop", new MonitoringOptions());

        Assert.Contains("scrape_interval: 15s", rendered, StringComparison.Ordinal);
        Assert.Contains("scrape_timeout: 10s", rendered, StringComparison.Ordinal);
        Assert.Contains("- /etc/shop/alerts.yml", rendered, StringComparison.Ordinal);

        // A shorter interval drops a timeout that would now exceed it (Prometheus refuses that).
        Assert.DoesNotContain("scrape_timeout", PrometheusConfig.Render(template, "/etc/shop", new MonitoringOptions { ScrapeInterval = "1s" }), StringComparison.Ordinal);
    }

    [Fact]
    public void The_targets_file_has_one_group_per_replica_labelled_with_service_and_instance()
    {
        var json = ScrapeTargetsFile.Format(
        [
            new ScrapeTarget("ordering-api", "ordering-api-aaaa", "127.0.0.1:41001", "/metrics"),
            new ScrapeTarget("ordering-api", "ordering-api-bbbb", "127.0.0.1:41002", "/metrics"),
        ]);

        using var document = JsonDocument.Parse(json);
        var groups = document.RootElement.EnumerateArray().ToList();
        Assert.Equal(2, groups.Count);
        Assert.Equal("127.0.0.1:41002", groups[1].GetProperty("targets").EnumerateArray().Single().GetString());
        var labels = groups[1].GetProperty("labels");
        Assert.Equal("ordering-api", labels.GetProperty("service").GetString());
        Assert.Equal("ordering-api-bbbb", labels.GetProperty("instance").GetString());
        Assert.Equal("/metrics", labels.GetProperty("__metrics_path__").GetString());
    }

    [Fact]
    public async Task The_targets_file_is_replaced_whole_and_written_again_after_the_folder_was_emptied()
    {
        var path = Path.Combine(_folder.FullName, "targets", "services.json");
        var file = new ScrapeTargetsFile(path);

        await file.UpdateAsync([new ScrapeTarget("webfrontend", "webfrontend-aaaa", "127.0.0.1:41003", "/metrics")], CancellationToken.None);
        Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        await file.RewriteAsync(CancellationToken.None);

        Assert.Contains("webfrontend-aaaa", await File.ReadAllTextAsync(path), StringComparison.Ordinal);
        Assert.False(File.Exists(path + ".tmp"));
    }

    [Theory]
    [InlineData("15")]
    [InlineData("1 s")]
    [InlineData("00:00:01")]
    public void A_bad_interval_stops_the_AppHost_naming_the_setting(string interval)
    {
        var builder = DistributedApplication.CreateBuilder([$"--Monitoring:ScrapeInterval={interval}"]);

        var error = Assert.Throws<DistributedApplicationException>(() => MonitoringOptions.From(builder));

        Assert.Contains("Monitoring:ScrapeInterval", error.Message, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output)> PromtoolAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("/usr/bin/promtool") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output);
    }

    public void Dispose() => _folder.Delete(recursive: true);
}
