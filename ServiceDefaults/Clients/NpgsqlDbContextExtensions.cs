using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Npgsql;
using Shop.ServiceDefaults.Clients;
using Shop.ServiceDefaults.Health;

namespace Microsoft.Extensions.Hosting;

/// <summary>The PostgreSQL + EF Core client integration, shaped like Aspire.Npgsql.EntityFrameworkCore.PostgreSQL.</summary>
public static class NpgsqlDbContextExtensions
{
    /// <summary>
    /// Registers <typeparamref name="TContext"/> with DbContext pooling on Npgsql, with EF Core's retry on
    /// transient failures, a health check (CanConnect) tagged <c>ready</c>, and an <see cref="NpgsqlDataSource"/>
    /// for the same database (keyed by <paramref name="connectionName"/>, and unkeyed for the first database) for
    /// raw Npgsql on hot paths; the context uses that data source, so both share one connection pool.
    /// Connection string: <c>ConnectionStrings:{connectionName}</c>; settings:
    /// <c>Aspire:Npgsql:EntityFrameworkCore:PostgreSQL</c>.
    /// </summary>
    public static void AddNpgsqlDbContext<TContext>(
        this IHostApplicationBuilder builder,
        string connectionName,
        Action<NpgsqlEntityFrameworkCorePostgreSQLSettings>? configureSettings = null,
        Action<DbContextOptionsBuilder>? configureDbContextOptions = null)
        where TContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionName);

        var settings = new NpgsqlEntityFrameworkCorePostgreSQLSettings();
        ClientIntegration.BindSettings(builder.Configuration, NpgsqlEntityFrameworkCorePostgreSQLSettings.SectionName, typeof(TContext).Name, settings);
        if (builder.Configuration.GetConnectionString(connectionName) is { Length: > 0 } connectionString)
        {
            settings.ConnectionString = connectionString;
        }

        configureSettings?.Invoke(settings);

        var services = builder.Services;
        var missing = string.IsNullOrWhiteSpace(settings.ConnectionString)
            ? ClientIntegration.MissingConnectionStringMessage(connectionName, NpgsqlEntityFrameworkCorePostgreSQLSettings.SectionName)
            : null;

        // Creating a data source opens no connection, so this is cheap and safe to do on first use.
        services.TryAddKeyedSingleton(connectionName, (sp, _) =>
            missing is null ? CreateDataSource(settings, sp) : throw new InvalidOperationException(missing));
        services.TryAddSingleton(sp => sp.GetRequiredKeyedService<NpgsqlDataSource>(connectionName));

        services.AddDbContextPool<TContext>((sp, options) =>
        {
            options.UseNpgsql(sp.GetRequiredKeyedService<NpgsqlDataSource>(connectionName), npgsql =>
            {
                if (!settings.DisableRetry)
                {
                    npgsql.EnableRetryOnFailure();
                }

                if (settings.CommandTimeout is int seconds)
                {
                    npgsql.CommandTimeout(seconds);
                }
            });
            configureDbContextOptions?.Invoke(options);
        });

        if (!settings.DisableHealthChecks)
        {
            var name = HealthCheckNames.Reserve(services, connectionName, connectionName + ":" + typeof(TContext).Name);
            ClientIntegration.AddDependencyHealthCheck(services, name, sp => missing is null
                ? ActivatorUtilities.CreateInstance<DbContextHealthCheck<TContext>>(sp)
                : new MissingConnectionStringHealthCheck(missing));
        }
    }

    private static NpgsqlDataSource CreateDataSource(NpgsqlEntityFrameworkCorePostgreSQLSettings settings, IServiceProvider services)
    {
        var builder = new NpgsqlDataSourceBuilder(settings.ConnectionString);
        builder.UseLoggerFactory(services.GetService<ILoggerFactory>());
        if (settings.DisableTracing)
        {
            builder.ConfigureTracing(tracing => tracing
                .ConfigureCommandFilter(static _ => false)
                .ConfigureBatchFilter(static _ => false));
        }

        return builder.Build();
    }
}
