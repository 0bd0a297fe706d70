using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Shop.ServiceDefaults.Health;

namespace Shop.ServiceDefaults.Clients;

/// <summary>What the three client integrations share: where settings come from and how checks are registered.</summary>
internal static class ClientIntegration
{
    /// <summary>
    /// Aspire's order: the integration's section, then its per-connection sub-section (so
    /// <c>Aspire:StackExchange:Redis:cache:DisableHealthChecks</c> overrides the shared value). The caller then
    /// applies <c>ConnectionStrings:{name}</c> and finally the code's configure delegate.
    /// </summary>
    public static void BindSettings(IConfiguration configuration, string sectionName, string connectionName, object settings)
    {
        var section = configuration.GetSection(sectionName);
        section.Bind(settings);
        section.GetSection(connectionName).Bind(settings);
    }

    public static string MissingConnectionStringMessage(string connectionName, string sectionName) =>
        $"No connection string for '{connectionName}': set ConnectionStrings:{connectionName} " +
        $"(environment ConnectionStrings__{connectionName}) or {sectionName}:ConnectionString.";

    /// <summary>A dependency check: tagged ready (so /alive ignores it), with a timeout below a probe's.</summary>
    public static void AddDependencyHealthCheck(IServiceCollection services, string name, Func<IServiceProvider, IHealthCheck> factory) =>
        services.AddHealthChecks().Add(new HealthCheckRegistration(
            name,
            factory,
            failureStatus: null,
            tags: [HealthEndpoints.ReadyTag],
            timeout: HealthEndpoints.DependencyCheckTimeout));
}

/// <summary>
/// Reports a dependency whose connection string is missing. The service still starts, so that its /health
/// says what is wrong instead of the process crash-looping; using the client throws with the same message.
/// </summary>
internal sealed class MissingConnectionStringHealthCheck(string message) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(new HealthCheckResult(context.Registration.FailureStatus, message));
}
