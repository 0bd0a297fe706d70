using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace Shop.AppHost.Monitoring;

/// <summary>
/// AppHost configuration of Prometheus and Alertmanager (section <c>Monitoring</c>): where their configuration
/// lives and, for tests that cannot wait a production interval, shorter scrape and evaluation intervals.
/// </summary>
internal sealed partial class MonitoringOptions
{
    public const string SectionName = "Monitoring";

    /// <summary>
    /// The folder with <c>prometheus.yml</c>, its rule files and <c>alertmanager.yml</c>; relative to the AppHost's
    /// folder. The repository's <c>monitoring/</c> by default; a test points it at a copy with shorter <c>for:</c>.
    /// </summary>
    public string ConfigPath { get; set; } = "../monitoring";

    /// <summary>Replaces prometheus.yml's global <c>scrape_interval</c> when set (a Prometheus duration: <c>1s</c>).</summary>
    public string? ScrapeInterval { get; set; }

    /// <summary>Replaces prometheus.yml's global <c>evaluation_interval</c> when set (a Prometheus duration).</summary>
    public string? EvaluationInterval { get; set; }

    public static MonitoringOptions From(IDistributedApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(SectionName).Get<MonitoringOptions>() ?? new MonitoringOptions();
        options.ConfigPath = Path.GetFullPath(options.ConfigPath, builder.AppHostDirectory);
        foreach (var (key, value) in new[] { (nameof(ScrapeInterval), options.ScrapeInterval), (nameof(EvaluationInterval), options.EvaluationInterval) })
        {
            // Prometheus would refuse to start on a bad duration; saying so here names the setting.
            if (value is not null && !Duration().IsMatch(value))
            {
                throw new DistributedApplicationException($"{SectionName}:{key} '{value}' is not a Prometheus duration (e.g. 500ms, 1s, 1m)");
            }
        }
        return options;
    }

    [GeneratedRegex("^[0-9]+(ms|s|m|h)$")]
    private static partial Regex Duration();
}
