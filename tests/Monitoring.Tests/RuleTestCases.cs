using YamlDotNet.RepresentationModel;

namespace Shop.Monitoring.Tests;

/// <summary>
/// The cases of monitoring/*.test.yml, one by one: each becomes a promtool run of its own (a file with that case
/// only), so that every case counts as one test in test.sh's line and a failure names the case.
/// </summary>
internal static class RuleTestCases
{
    public static IEnumerable<string> TestFiles() =>
        Directory.EnumerateFiles(MonitoringFolder.Path, "*.test.yml").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal);

    /// <summary>(test file, case name) of every case.</summary>
    public static IEnumerable<(string File, string Name)> All() =>
        TestFiles().SelectMany(file => Cases(Load(file)).Select(c => (file, Name(c))));

    public static YamlMappingNode Load(string file)
    {
        var yaml = new YamlStream();
        using var reader = new StreamReader(MonitoringFolder.File(file));
        yaml.Load(reader);
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    public static IEnumerable<YamlMappingNode> Cases(YamlMappingNode testFile) =>
        ((YamlSequenceNode)testFile.Children[new YamlScalarNode("tests")]).Children.Cast<YamlMappingNode>();

    public static string Name(YamlMappingNode testCase) => ((YamlScalarNode)testCase.Children[new YamlScalarNode("name")]).Value!;

    /// <summary>The alerts a case expects to fire at some evaluation, and those it expects silent at some evaluation.</summary>
    public static (IReadOnlySet<string> Fired, IReadOnlySet<string> Quiet) Alerts(YamlMappingNode testCase)
    {
        var fired = new HashSet<string>(StringComparer.Ordinal);
        var quiet = new HashSet<string>(StringComparer.Ordinal);
        if (testCase.Children.TryGetValue(new YamlScalarNode("alert_rule_test"), out var tests))
        {
            foreach (var test in ((YamlSequenceNode)tests).Children.Cast<YamlMappingNode>())
            {
                var name = ((YamlScalarNode)test.Children[new YamlScalarNode("alertname")]).Value!;
                if (test.Children.TryGetValue(new YamlScalarNode("exp_alerts"), out var expected) && expected is YamlSequenceNode { Children.Count: > 0 })
                {
                    fired.Add(name);
                }
                else
                {
                    quiet.Add(name);
                }
            }
        }
        return (fired, quiet);
    }

    /// <summary>Writes a test file holding only <paramref name="name"/>, its rule files resolved to monitoring/.</summary>
    public static string WriteSingle(string file, string name, string folder)
    {
        var root = Load(file);
        var single = new YamlMappingNode();
        foreach (var (key, value) in root.Children)
        {
            var keyName = ((YamlScalarNode)key).Value;
            single.Children[key] = keyName switch
            {
                "tests" => new YamlSequenceNode(Cases(root).Where(c => Name(c) == name)),
                "rule_files" => new YamlSequenceNode(((YamlSequenceNode)value).Children.Cast<YamlScalarNode>()
                    .Select(f => new YamlScalarNode(Path.GetFullPath(f.Value!, MonitoringFolder.Path)))),
                _ => value,
            };
        }
        var path = Path.Combine(folder, "case.test.yml");
        using var writer = new StreamWriter(path);
        new YamlStream(new YamlDocument(single)).Save(writer, assignAnchors: false);
        return path;
    }
}
