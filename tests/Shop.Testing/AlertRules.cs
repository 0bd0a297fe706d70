using YamlDotNet.RepresentationModel;

namespace Shop.Testing;

/// <summary>The alerting rules of monitoring/alerts.yml, read as Prometheus reads them.</summary>
public static class AlertRules
{
    public static YamlMappingNode Load(string path)
    {
        var yaml = new YamlStream();
        using var reader = new StreamReader(path);
        yaml.Load(reader);
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    public static IEnumerable<YamlMappingNode> Rules(YamlMappingNode file) =>
        ((YamlSequenceNode)file.Children[new YamlScalarNode("groups")]).Children.Cast<YamlMappingNode>()
            .SelectMany(g => ((YamlSequenceNode)g.Children[new YamlScalarNode("rules")]).Children.Cast<YamlMappingNode>());

    public static string? Alert(YamlMappingNode rule) =>
        rule.Children.TryGetValue(new YamlScalarNode("alert"), out var name) ? ((YamlScalarNode)name).Value : null;

    public static string Expression(YamlMappingNode rule) => ((YamlScalarNode)rule.Children[new YamlScalarNode("expr")]).Value!;

    public static IReadOnlyList<string> AlertNames() =>
        [.. Rules(Load(MonitoringFolder.File("alerts.yml"))).Select(Alert).OfType<string>()];
}
