using YamlDotNet.RepresentationModel;

namespace Shop.AppHost.Monitoring;

/// <summary>
/// Turns monitoring/prometheus.yml into the file a Prometheus of this app starts with: the same configuration, its
/// rule files found in the configuration folder (the rendered file lives in Prometheus's data folder, beside the
/// <c>targets/</c> files the AppHost writes), and the intervals of <see cref="MonitoringOptions"/> when set.
/// Prometheus itself reads no environment or flags for these, hence a rendered copy.
/// </summary>
internal static class PrometheusConfig
{
    public const string FileName = "prometheus.yml";

    /// <summary>The discovery files prometheus.yml names, relative to the rendered file.</summary>
    public const string ServicesTargetsFile = "targets/services.json";

    public const string AlertmanagerTargetsFile = "targets/alertmanager.json";

    public static string Render(string template, string configFolder, MonitoringOptions options)
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(template));
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;

        var global = root.Children.TryGetValue("global", out var node) && node is YamlMappingNode existing ? existing : new YamlMappingNode();
        root.Children[new YamlScalarNode("global")] = global;
        if (options.ScrapeInterval is { } scrape)
        {
            global.Children[new YamlScalarNode("scrape_interval")] = new YamlScalarNode(scrape);
            // A timeout longer than the interval is refused; without one Prometheus takes min(10s, interval).
            global.Children.Remove(new YamlScalarNode("scrape_timeout"));
        }
        if (options.EvaluationInterval is { } evaluation)
        {
            global.Children[new YamlScalarNode("evaluation_interval")] = new YamlScalarNode(evaluation);
        }

        if (root.Children.TryGetValue("rule_files", out var rules) && rules is YamlSequenceNode ruleFiles)
        {
            root.Children[new YamlScalarNode("rule_files")] = new YamlSequenceNode(
                ruleFiles.Children.OfType<YamlScalarNode>().Select(f => new YamlScalarNode(Path.GetFullPath(f.Value!, configFolder))));
        }

        using var writer = new StringWriter();
        yaml.Save(writer, assignAnchors: false);
        return writer.ToString();
    }
}
