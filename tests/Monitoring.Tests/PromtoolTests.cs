namespace Shop.Monitoring.Tests;

/// <summary>
/// <c>promtool test rules monitoring/*.test.yml</c>, one case at a time, plus the checks Prometheus and
/// Alertmanager would make of their configuration at start.
/// </summary>
public sealed class PromtoolTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("shop-promtool-");

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var (file, name) in RuleTestCases.All())
        {
            data.Add(file, name);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Rule_test_case_passes(string file, string name)
    {
        var single = RuleTestCases.WriteSingle(file, name, _folder.FullName);

        var result = await Tool.RunAsync("promtool", "test", "rules", single);

        Assert.True(result.ExitCode == 0, $"{file}, \"{name}\": {result}");
    }

    [Fact]
    public async Task The_whole_test_files_pass_as_ci_would_run_them()
    {
        var result = await Tool.RunAsync("promtool", ["test", "rules", .. RuleTestCases.TestFiles().Select(MonitoringFolder.File)]);

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public void Every_alert_has_a_case_where_it_fires_and_one_where_it_stays_quiet()
    {
        var cases = RuleTestCases.TestFiles().SelectMany(f => RuleTestCases.Cases(RuleTestCases.Load(f))).Select(RuleTestCases.Alerts).ToList();

        foreach (var alert in AlertRules.AlertNames())
        {
            Assert.True(cases.Any(c => c.Fired.Contains(alert)), $"no test case expects {alert} to fire");
            Assert.True(cases.Any(c => c.Quiet.Contains(alert)), $"no test case expects {alert} to stay quiet");
        }
        Assert.Equal(12, AlertRules.AlertNames().Count);
    }

    [Fact]
    public async Task The_rules_and_prometheus_yml_are_valid_for_promtool()
    {
        var rules = await Tool.RunAsync("promtool", "check", "rules", MonitoringFolder.File("alerts.yml"));
        Assert.True(rules.ExitCode == 0, rules.ToString());

        // The targets files are the AppHost's to write: only their absence may be warned about.
        var config = await Tool.RunAsync("promtool", "check", "config", MonitoringFolder.File("prometheus.yml"));
        Assert.True(config.ExitCode == 0, config.ToString());
        Assert.Contains("SUCCESS: 1 rule files found", config.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Alertmanager_yml_is_valid_for_amtool_and_routes_to_shop_operators()
    {
        var result = await Tool.RunAsync("amtool", "check-config", MonitoringFolder.File("alertmanager.yml"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(" - 1 receivers", result.Output, StringComparison.Ordinal);
        var routed = await Tool.RunAsync("amtool", "config", "routes", "test", "--config.file", MonitoringFolder.File("alertmanager.yml"),
            "alertname=ShopServiceDown", "severity=page", "service=ordering-worker");
        Assert.True(routed.ExitCode == 0, routed.ToString());
        // (amtool warns on stderr that the file wins over --alertmanager.url.)
        Assert.Equal("shop-operators", routed.Stdout.Trim());
    }

    public void Dispose() => _folder.Delete(recursive: true);
}
