using Microsoft.Extensions.DependencyInjection;

namespace Shop.Hosting.Orchestration;

internal static class OrchestrationServices
{
    public static void Add(IServiceCollection services)
    {
        services.AddHttpClient(nameof(Orchestrator));
        services.AddSingleton<ResourceStore>();
        services.AddSingleton<Dashboard.DashboardEndpoint>();
        services.AddHostedService<Dashboard.DashboardServer>();
        services.AddHostedService<Orchestrator>();
    }
}
