using Microsoft.Extensions.DependencyInjection;

namespace Shop.ServiceDefaults.Health;

/// <summary>
/// Health check names must be unique (the health check service throws on duplicates when it runs).
/// Integrations name their check after the connection name, which is also the resource name the dashboard
/// shows; when two integrations share a connection name (two DbContexts on one database), the later one
/// gets a qualified name instead of breaking /health.
/// </summary>
internal static class HealthCheckNames
{
    public static string Reserve(IServiceCollection services, string preferred, string qualified)
    {
        var taken = services.FirstOrDefault(d => d.ServiceType == typeof(NameSet))?.ImplementationInstance as NameSet;
        if (taken is null)
        {
            taken = new NameSet();
            services.AddSingleton(taken);
        }

        if (taken.Names.Add(preferred))
        {
            return preferred;
        }

        if (taken.Names.Add(qualified))
        {
            return qualified;
        }

        throw new InvalidOperationException(
            $"A health check named '{qualified}' is already registered: add each client integration once per connection name.");
    }

    private sealed class NameSet
    {
        public HashSet<string> Names { get; } = new(StringComparer.OrdinalIgnoreCase);
    }
}
