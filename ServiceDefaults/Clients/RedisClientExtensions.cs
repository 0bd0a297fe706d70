using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Shop.ServiceDefaults.Clients;
using Shop.ServiceDefaults.Health;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

/// <summary>The Redis client integration, shaped like Aspire.StackExchange.Redis.</summary>
public static class RedisClientExtensions
{
    /// <summary>
    /// Registers a singleton <see cref="IConnectionMultiplexer"/> for <c>ConnectionStrings:{connectionName}</c>
    /// (Redis format <c>host:port[,password=..]</c>), opened at startup without failing when Redis is not up yet,
    /// and a PING health check tagged <c>ready</c>. Settings: <c>Aspire:StackExchange:Redis</c>.
    /// Never send blocking commands (BLPOP, XREAD BLOCK) over the shared multiplexer: they stall every caller.
    /// </summary>
    public static void AddRedisClient(
        this IHostApplicationBuilder builder,
        string connectionName,
        Action<RedisClientSettings>? configureSettings = null,
        Action<ConfigurationOptions>? configureOptions = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionName);

        var settings = new RedisClientSettings();
        ClientIntegration.BindSettings(builder.Configuration, RedisClientSettings.SectionName, connectionName, settings);
        if (builder.Configuration.GetConnectionString(connectionName) is { Length: > 0 } connectionString)
        {
            settings.ConnectionString = connectionString;
        }

        configureSettings?.Invoke(settings);

        var services = builder.Services;
        if (string.IsNullOrWhiteSpace(settings.ConnectionString))
        {
            var message = ClientIntegration.MissingConnectionStringMessage(connectionName, RedisClientSettings.SectionName);
            services.AddSingleton<IConnectionMultiplexer>(_ => throw new InvalidOperationException(message));
            if (!settings.DisableHealthChecks)
            {
                var missingName = HealthCheckNames.Reserve(services, connectionName, connectionName + ":redis");
                ClientIntegration.AddDependencyHealthCheck(services, missingName, _ => new MissingConnectionStringHealthCheck(message));
            }

            return;
        }

        // Parsed now, so a malformed connection string stops the service at startup with a clear error.
        var options = RedisConnection.CreateOptions(settings.ConnectionString, configureOptions);
        // Keyed by connection name so that two Redis connections never share one multiplexer by accident.
        services.AddKeyedSingleton(connectionName, (sp, _) => new RedisConnection(
            connectionName,
            options,
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("Shop.ServiceDefaults.Redis")));

        // Resolving blocks only until the connection attempt started at startup returns (at most ConnectTimeout,
        // since AbortOnConnectFail=false makes it return even when Redis is down). There is no synchronisation
        // context in ASP.NET Core, so waiting here cannot deadlock.
        services.AddSingleton<IConnectionMultiplexer>(sp =>
            sp.GetRequiredKeyedService<RedisConnection>(connectionName).GetAsync(CancellationToken.None).GetAwaiter().GetResult());
        services.AddSingleton<IHostedService>(sp => new ConnectionStarter(sp.GetRequiredKeyedService<RedisConnection>(connectionName).Start));

        if (!settings.DisableHealthChecks)
        {
            var name = HealthCheckNames.Reserve(services, connectionName, connectionName + ":redis");
            ClientIntegration.AddDependencyHealthCheck(services, name, sp => new RedisHealthCheck(sp.GetRequiredKeyedService<RedisConnection>(connectionName)));
        }
    }
}
