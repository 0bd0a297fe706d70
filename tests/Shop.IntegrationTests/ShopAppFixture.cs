using Shop.Hosting;
using Shop.Hosting.Testing;

namespace Shop.IntegrationTests;

/// <summary>The whole Shop composition (the real AppHost Program.cs), started once for a test class.</summary>
public sealed class ShopAppFixture : IAsyncLifetime
{
    public DistributedApplication App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>();
        App = await builder.BuildAsync();
        await App.StartAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await App.WaitForAllHealthyAsync(timeout.Token);
    }

    public async Task DisposeAsync() => await App.DisposeAsync();
}

/// <summary>The tests of this project share one running shop.</summary>
[CollectionDefinition(Name)]
public sealed class ShopAppCollection : ICollectionFixture<ShopAppFixture>
{
    public const string Name = "shop";
}
