using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using Shop.ServiceDefaults.Clients;
using Shop.ServiceDefaults.Health;
using Shop.ServiceDefaults.Telemetry;

namespace Microsoft.Extensions.Hosting;

/// <summary>The RabbitMQ client integration, shaped like Aspire.RabbitMQ.Client.</summary>
public static class RabbitMQClientExtensions
{
    /// <summary>
    /// Registers a <see cref="RabbitMQConnectionProvider"/> that connects at startup with retries (never blocking
    /// the start), a singleton <see cref="IConnection"/> resolved from it, and a health check tagged <c>ready</c>.
    /// Connection string <c>ConnectionStrings:{connectionName}</c> (<c>amqp://user:pw@host:port</c>); settings
    /// <c>Aspire:RabbitMQ:Client</c>.
    /// </summary>
    public static void AddRabbitMQClient(
        this IHostApplicationBuilder builder,
        string connectionName,
        Action<RabbitMQClientSettings>? configureSettings = null,
        Action<ConnectionFactory>? configureConnectionFactory = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionName);

        var settings = new RabbitMQClientSettings();
        ClientIntegration.BindSettings(builder.Configuration, RabbitMQClientSettings.SectionName, connectionName, settings);
        if (builder.Configuration.GetConnectionString(connectionName) is { Length: > 0 } connectionString)
        {
            settings.ConnectionString = connectionString;
        }

        configureSettings?.Invoke(settings);

        // Built now, so a malformed connection string stops the service at startup; a missing one does not.
        var factory = CreateFactory(settings, builder.Environment.ApplicationName, configureConnectionFactory);
        var missing = factory is null
            ? ClientIntegration.MissingConnectionStringMessage(connectionName, RabbitMQClientSettings.SectionName)
            : null;

        var services = builder.Services;
        services.AddSingleton(sp => new RabbitMQConnectionProvider(
            connectionName,
            settings,
            factory,
            missing,
            builder.Environment.ApplicationName,
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("Shop.ServiceDefaults.RabbitMQ")));

        // For constructor injection of IConnection. The first resolution waits for the attempt started at
        // startup (ASP.NET Core has no synchronisation context, so this cannot deadlock); prefer
        // RabbitMQConnectionProvider.GetConnectionAsync where awaiting is possible.
        services.AddSingleton<IConnection>(sp =>
            sp.GetRequiredService<RabbitMQConnectionProvider>().GetConnectionAsync().GetAwaiter().GetResult());

        if (factory is not null)
        {
            services.AddSingleton<IHostedService>(sp => new ConnectionStarter(sp.GetRequiredService<RabbitMQConnectionProvider>().StartConnecting));
        }

        if (settings.DisableTracing)
        {
            services.Configure<ShopTelemetryOptions>(options =>
            {
                options.ExcludedSources.Add("RabbitMQ.Client");
                options.ExcludedSources.Add("RabbitMQ.Client.*");
            });
        }

        if (!settings.DisableHealthChecks)
        {
            var name = HealthCheckNames.Reserve(services, connectionName, connectionName + ":rabbitmq");
            ClientIntegration.AddDependencyHealthCheck(services, name, sp => missing is null
                ? new RabbitMQHealthCheck(sp.GetRequiredService<RabbitMQConnectionProvider>())
                : new MissingConnectionStringHealthCheck(missing));
        }
    }

    internal static ConnectionFactory? CreateFactory(RabbitMQClientSettings settings, string clientName, Action<ConnectionFactory>? configure)
    {
        if (string.IsNullOrWhiteSpace(settings.ConnectionString))
        {
            return null;
        }

        if (!Uri.TryCreate(settings.ConnectionString, UriKind.Absolute, out var uri) || (uri.Scheme != "amqp" && uri.Scheme != "amqps"))
        {
            throw new InvalidOperationException(
                $"The RabbitMQ connection string must be an amqp:// or amqps:// URI (amqp://user:password@host:port), got '{Redact(settings.ConnectionString)}'.");
        }

        var factory = new ConnectionFactory
        {
            Uri = uri,
            ClientProvidedName = clientName,
        };
        configure?.Invoke(factory);
        return factory;
    }

    // Never echo a password into logs or exceptions.
    private static string Redact(string connectionString)
    {
        var at = connectionString.LastIndexOf('@');
        var scheme = connectionString.IndexOf("://", StringComparison.Ordinal);
        return at > 0 && scheme >= 0 && at > scheme ? connectionString[..(scheme + 3)] + "***" + connectionString[at..] : connectionString;
    }
}
