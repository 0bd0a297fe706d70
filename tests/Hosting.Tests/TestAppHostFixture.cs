using Shop.Hosting.Testing;

namespace Shop.Hosting.Tests;

/// <summary>One running test composition (Redis, Postgres, RabbitMQ, a project with three replicas) shared by a test class.</summary>
public sealed class TestAppHostFixture : IAsyncLifetime
{
    public DistributedApplication App { get; private set; } = null!;

    public string AppDataPath { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Hosting_TestAppHost>();
        AppDataPath = builder.AppDataPath;
        App = await builder.BuildAsync();
        await App.StartAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await App.WaitForAllHealthyAsync(timeout.Token);
    }

    public async Task DisposeAsync() => await App.DisposeAsync();
}
