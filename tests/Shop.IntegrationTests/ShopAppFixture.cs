using Aspire.Hosting;
using Shop.Testing;

namespace Shop.IntegrationTests;

/// <summary>The whole Shop composition (the real AppHost Program.cs), started once for the collection and healthy.</summary>
public sealed class ShopAppFixture : IAsyncLifetime
{
    public ShopApp Shop { get; private set; } = null!;

    public DistributedApplication App => Shop.App;

    public async Task InitializeAsync() => Shop = await ShopApp.StartAsync();

    public async Task DisposeAsync()
    {
        if (Shop is not null)
        {
            await Shop.DisposeAsync();
        }
    }
}

/// <summary>The tests of this project share one running shop.</summary>
[CollectionDefinition(Name)]
public sealed class ShopAppCollection : ICollectionFixture<ShopAppFixture>
{
    public const string Name = "shop";
}
