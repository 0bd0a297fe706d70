using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Shop.Testing;

namespace Shop.Ordering.Api.Tests;

/// <summary>
/// The whole Shop composition for the pipeline tests, with per-buyer admission widened (the tests send many
/// requests per buyer on purpose) so that only the behaviour under test decides the answers.
/// </summary>
public class PipelineFixture : IAsyncLifetime
{
    // What the buy pipeline needs (the hot path, the worker and their servers; RabbitMQ for the catalog events the tests
    // announce sales with); not the catalog or the storefront.
    private static readonly string[] Needed = ["gate", "postgres", "orderingdb", "messaging", "ordering-api", "ordering-worker"];

    public ShopApp App { get; private set; } = null!;

    public ShopTestClient Shop { get; private set; } = null!;

    protected virtual void Configure(IDistributedApplicationTestingBuilder builder)
    {
    }

    public async Task InitializeAsync()
    {
        App = await ShopApp.StartAsync(configure: builder =>
        {
            var orderingApi = builder.Resources.OfType<ProjectResource>().Single(r => r.Name == "ordering-api");
            builder.CreateResourceBuilder(orderingApi)
                .WithEnvironment("Ordering__Admission__BuyerBurst", "1000")
                .WithEnvironment("Ordering__Admission__BuyerRequestsPerSecond", "1000")
                // Long enough that a test of reopening a sale sees the gate's notice at work, not the memory running out.
                .WithEnvironment("Ordering__Admission__SoldOutMemory", "00:00:30");
            Configure(builder);
        }, only: Needed);
        Shop = new ShopTestClient(App.App, App.SigningKey);
    }

    public async Task DisposeAsync()
    {
        if (Shop is not null)
        {
            await Shop.DisposeAsync();
        }
        if (App is not null)
        {
            await App.DisposeAsync();
        }
    }
}

/// <summary>
/// Every pipeline test shares one running shop (one boot, not one per class; a boot costs 20–60 s here), one test at a
/// time. The tests that kill or empty a shared part (the gate's Redis, RabbitMQ, an API replica) bring back what they
/// broke and wait until it is healthy before they end; every test works on a sale or items of its own, so none sees
/// what another left behind.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PipelineCollection : ICollectionFixture<PipelineFixture>
{
    public const string Name = "pipeline";
}
