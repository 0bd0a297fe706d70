using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Npgsql;
using Shop.ServiceDefaults.Identity;
using Shop.Testing;
using YamlDotNet.RepresentationModel;

namespace Shop.IntegrationTests;

/// <summary>
/// The whole Shop composition (the real AppHost Program.cs), started once for the collection and healthy: the tests
/// of what crosses services share it, the storefront's browser tests among them (ShopAppFixture.Storefront.cs).
/// Clients of the catalog and of ordering, catalogdb, and signed-in users; its
/// Prometheus and Alertmanager, on a copy of monitoring/ in which the service-down rule waits
/// <see cref="ServiceDownFor"/> instead of a minute, scraping and evaluating every second: the real rules, routes
/// and discovery, at a pace a test can wait for.
/// </summary>
public sealed partial class ShopAppFixture : IAsyncLifetime
{
    public const string AdminPassword = "Admin@word1";
    public const string ShopperPassword = "Pass@word1";

    public const string ServiceDownFor = "3s";

    /// <summary>Every service of the composition (Prometheus scrapes each replica of each).</summary>
    public static readonly string[] Services = ["basket-api", "catalog-api", "identity-api", "ordering-api", "ordering-worker", "webfrontend"];

    private readonly DirectoryInfo _monitoringConfig = Directory.CreateTempSubdirectory("shop-monitoring-");

    public ShopApp Shop { get; private set; } = null!;

    public DistributedApplication App => Shop.App;

    /// <summary>catalog-api (anonymous unless a request carries a token).</summary>
    public HttpClient Catalog { get; private set; } = null!;

    /// <summary>ordering-api, through DCP's proxy in front of both replicas.</summary>
    public HttpClient Ordering { get; private set; } = null!;

    public NpgsqlDataSource CatalogDb { get; private set; } = null!;

    public HttpClient Prometheus { get; private set; } = null!;

    public HttpClient Alertmanager { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        foreach (var file in Directory.EnumerateFiles(MonitoringFolder.Path, "*.yml").Where(f => !f.EndsWith(".test.yml", StringComparison.Ordinal)))
        {
            File.Copy(file, Path.Combine(_monitoringConfig.FullName, Path.GetFileName(file)));
        }
        await ShortenAsync(Path.Combine(_monitoringConfig.FullName, "alerts.yml"), "ShopServiceDown", ServiceDownFor);

        Shop = await ShopApp.StartAsync(
            // The browser tests buy several times per shopper within seconds: only the behaviour under test decides answers.
            configure: builder =>
            {
                builder.CreateResourceBuilder(builder.Resources.OfType<ProjectResource>().Single(r => r.Name == "ordering-api"))
                    .WithEnvironment("Ordering__Admission__BuyerBurst", "100")
                    .WithEnvironment("Ordering__Admission__BuyerRequestsPerSecond", "100");
                // The catalog reads every stock figure once at start, then only through Ordering's events: a figure that
                // moves during a test moved by an event (OrderingStockTests).
                builder.CreateResourceBuilder(builder.Resources.OfType<ProjectResource>().Single(r => r.Name == "catalog-api"))
                    .WithEnvironment("Catalog__OrderingStock__ResyncInterval", "01:00:00");
                // The tests stand in for the ingress: the storefront believes their forwarded headers (EdgeTests).
                builder.CreateResourceBuilder(builder.Resources.OfType<ProjectResource>().Single(r => r.Name == "webfrontend"))
                    .WithEnvironment("Storefront__Edge__KnownProxies__0", "127.0.0.1");
            },
            configuration: new Dictionary<string, string?>
            {
                ["Monitoring:ConfigPath"] = _monitoringConfig.FullName,
                ["Monitoring:ScrapeInterval"] = "1s",
                ["Monitoring:EvaluationInterval"] = "1s",
            });
        Catalog = App.CreateHttpClient("catalog-api");
        Ordering = App.CreateHttpClient("ordering-api");
        CatalogDb = NpgsqlDataSource.Create(await App.GetConnectionStringAsync("catalogdb") ?? throw new InvalidOperationException("catalogdb has no connection string"));
        Prometheus = new HttpClient { BaseAddress = App.GetEndpoint("prometheus", "http") };
        Alertmanager = new HttpClient { BaseAddress = App.GetEndpoint("alertmanager", "http") };
        await StartStorefrontAsync();
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
        await StopStorefrontAsync();
        Catalog?.Dispose();
        Ordering?.Dispose();
        Prometheus?.Dispose();
        Alertmanager?.Dispose();
        if (CatalogDb is not null)
        {
            await CatalogDb.DisposeAsync();
        }
        if (Shop is not null)
        {
            await Shop.DisposeAsync();
        }
        _monitoringConfig.Delete(recursive: true);
    }

    /// <summary>A demo user's access token for the API <paramref name="api"/> (<see cref="ShopAudiences"/>), from identity-api's token endpoint.</summary>
    public Task<string> SignInAsync(string userName, string password, string api) =>
        IdentitySignIn.AccessTokenAsync(Shop.App.GetEndpoint("identity-api", "http"), userName, password, api);

    public static HttpRequestMessage Authorized(HttpMethod method, string path, string token, object? body = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }
}

/// <summary>The tests of this project share one running shop.</summary>
[CollectionDefinition(Name)]
public sealed class ShopAppCollection : ICollectionFixture<ShopAppFixture>
{
    public const string Name = "shop";
}
