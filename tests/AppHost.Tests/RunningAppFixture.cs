using Shop.Testing;

namespace Shop.AppHost.Tests;

/// <summary>One running Shop for the tests that only look at it.</summary>
public sealed class RunningAppFixture : IAsyncLifetime
{
    public ShopApp Shop { get; private set; } = null!;

    public async Task InitializeAsync() => Shop = await ShopApp.StartAsync();

    public async Task DisposeAsync()
    {
        if (Shop is not null)
        {
            await Shop.DisposeAsync();
        }
    }
}
