using Shop.Hosting;
using Shop.Hosting.ApplicationModel;
using Shop.Hosting.Testing;

namespace Shop.Ordering.Api.Tests;

/// <summary>
/// The whole Shop composition for the pipeline tests, with per-buyer admission widened (the tests send many
/// requests per buyer on purpose) so that only the behaviour under test decides the answers.
/// </summary>
public class PipelineFixture : IAsyncLifetime
{
    public DistributedApplication App { get; private set; } = null!;

    public ShopTestClient Shop { get; private set; } = null!;

    protected virtual void Configure(IDistributedApplicationBuilder builder)
    {
    }

    public async Task InitializeAsync()
    {
        var testing = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>();
        var orderingApi = (ProjectResource)testing.Builder.Resources.Single(r => r.Name == "ordering-api");
        testing.Builder.CreateResourceBuilder(orderingApi)
            .WithEnvironment("Ordering__Buying__BuyerBurst", "1000")
            .WithEnvironment("Ordering__Buying__BuyerRequestsPerSecond", "1000")
            .WithEnvironment("Ordering__Baseline__Enabled", "true");
        Configure(testing.Builder);
        var signingKey = ((ParameterResource)testing.Builder.Resources.Single(r => r.Name == "jwt-signing-key")).Value;
        App = await testing.BuildAsync();
        await App.StartAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await App.WaitForAllHealthyAsync(timeout.Token);
        Shop = new ShopTestClient(App, signingKey);
    }

    public async Task DisposeAsync()
    {
        await Shop.DisposeAsync();
        await App.DisposeAsync();
    }
}

/// <summary>The pipeline tests that leave the composition intact share one running shop (one boot, not one per class).</summary>
[CollectionDefinition(Name)]
public sealed class PipelineCollection : ICollectionFixture<PipelineFixture>
{
    public const string Name = "pipeline";
}
