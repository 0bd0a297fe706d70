using Aspire.Hosting.Testing;
using Shop.Testing;
using YamlDotNet.RepresentationModel;

namespace Shop.Monitoring.Tests;

/// <summary>
/// One running Shop with its Prometheus and Alertmanager, on a copy of monitoring/ in which the service-down rule
/// waits <see cref="ServiceDownFor"/> instead of a minute, scraping and evaluating every second: the real rules,
/// routes and discovery, at a pace a test can wait for.
/// </summary>
public sealed class MonitoredAppFixture : IAsyncLifetime
{
    public const string ServiceDownFor = "3s";

    public static readonly string[] Services = ["basket-api", "catalog-api", "ordering-api", "ordering-worker", "webfrontend"];

    private readonly DirectoryInfo _config = Directory.CreateTempSubdirectory("shop-monitoring-");

    public ShopApp Shop { get; private set; } = null!;

    public HttpClient Prometheus { get; private set; } = null!;

    public HttpClient Alertmanager { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        foreach (var file in Directory.EnumerateFiles(MonitoringFolder.Path, "*.yml").Where(f => !f.EndsWith(".test.yml", StringComparison.Ordinal)))
        {
            File.Copy(file, Path.Combine(_config.FullName, Path.GetFileName(file)));
        }
        await ShortenAsync(Path.Combine(_config.FullName, "alerts.yml"), "ShopServiceDown", ServiceDownFor);

        Shop = await ShopApp.StartAsync(configuration: new Dictionary<string, string?>
        {
            ["Monitoring:ConfigPath"] = _config.FullName,
            ["Monitoring:ScrapeInterval"] = "1s",
            ["Monitoring:EvaluationInterval"] = "1s",
        });
        Prometheus = new HttpClient { BaseAddress = Shop.App.GetEndpoint("prometheus", "http") };
        Alertmanager = new HttpClient { BaseAddress = Shop.App.GetEndpoint("alertmanager", "http") };
    }

    /// <summary>Sets the <c>for:</c> of one alerting rule, leaving its expression, labels and annotations as they are.</summary>
    private static async Task ShortenAsync(string path, string alert, string duration)
    {
        var root = AlertRules.Load(path);
        var rule = AlertRules.Rules(root).Single(r => AlertRules.Alert(r) == alert);
        rule.Children[new YamlScalarNode("for")] = new YamlScalarNode(duration);
        await using var writer = new StreamWriter(path);
        new YamlStream(new YamlDocument(root)).Save(writer, assignAnchors: false);
    }

    public async Task DisposeAsync()
    {
        Prometheus?.Dispose();
        Alertmanager?.Dispose();
        if (Shop is not null)
        {
            await Shop.DisposeAsync();
        }
        _config.Delete(recursive: true);
    }
}
