using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Npgsql;
using Shop.ServiceDefaults.Clients;
using Shop.ServiceDefaults.Health;

namespace Microsoft.Extensions.Hosting;

/// <summary>The raw Npgsql client integration, shaped like Aspire.Npgsql, for services that write their own SQL.</summary>
public static class NpgsqlDataSourceExtensions
{
    /// <summary>
    /// Registers an <see cref="NpgsqlDataSource"/> (one connection pool) for <c>ConnectionStrings:{connectionName}</c>,
    /// keyed by the name and unkeyed for the first one, and a <c>SELECT 1</c> health check tagged <c>ready</c>.
    /// </summary>
    public static void AddNpgsqlDataSource(this IHostApplicationBuilder builder, string connectionName, Action<NpgsqlSettings>? configureSettings = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionName);

        var settings = new NpgsqlSettings();
        ClientIntegration.BindSettings(builder.Configuration, NpgsqlSettings.SectionName, connectionName, settings);
        if (builder.Configuration.GetConnectionString(connectionName) is { Length: > 0 } connectionString)
        {
            settings.ConnectionString = connectionString;
        }
        configureSettings?.Invoke(settings);

        var missing = string.IsNullOrWhiteSpace(settings.ConnectionString)
            ? ClientIntegration.MissingConnectionStringMessage(connectionName, NpgsqlSettings.SectionName)
            : null;
        var services = builder.Services;
        services.TryAddKeyedSingleton(connectionName, (sp, _) =>
        {
            if (missing is not null)
            {
                throw new InvalidOperationException(missing);
            }
            var dataSource = new NpgsqlDataSourceBuilder(settings.ConnectionString);
            dataSource.UseLoggerFactory(sp.GetService<ILoggerFactory>());
            if (settings.DisableTracing)
            {
                dataSource.ConfigureTracing(tracing => tracing.ConfigureCommandFilter(static _ => false).ConfigureBatchFilter(static _ => false));
            }
            return dataSource.Build();
        });
        services.TryAddSingleton(sp => sp.GetRequiredKeyedService<NpgsqlDataSource>(connectionName));

        if (!settings.DisableHealthChecks)
        {
            var name = HealthCheckNames.Reserve(services, connectionName, connectionName + ":npgsql");
            ClientIntegration.AddDependencyHealthCheck(services, name, sp => missing is null
                ? new NpgsqlDataSourceHealthCheck(sp.GetRequiredKeyedService<NpgsqlDataSource>(connectionName))
                : new MissingConnectionStringHealthCheck(missing));
        }
    }
}
