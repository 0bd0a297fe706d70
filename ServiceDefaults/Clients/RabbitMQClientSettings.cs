namespace Shop.ServiceDefaults.Clients;

/// <summary>
/// Settings of <c>AddRabbitMQClient</c>, bound from <c>Aspire:RabbitMQ:Client</c> (and
/// <c>Aspire:RabbitMQ:Client:{connectionName}</c>) like Aspire's RabbitMQClientSettings.
/// </summary>
public sealed class RabbitMQClientSettings
{
    /// <summary>The configuration section the settings are bound from.</summary>
    public const string SectionName = "Aspire:RabbitMQ:Client";

    /// <summary><c>amqp://user:password@host:port[/vhost]</c>; <c>ConnectionStrings:{name}</c> takes precedence.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Do not register the connection health check.</summary>
    public bool DisableHealthChecks { get; set; }

    /// <summary>Do not listen to RabbitMQ.Client's publish/deliver activities.</summary>
    public bool DisableTracing { get; set; }

    /// <summary>
    /// Retries of the first connection (exponential back-off with jitter). Once connected, the client's own
    /// automatic recovery takes over. 0 means a single attempt.
    /// </summary>
    public int MaxConnectRetryCount { get; set; } = 5;

    /// <summary>Delay before the first connection retry; doubles on each further one, capped at 30 s.</summary>
    public TimeSpan ConnectRetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);
}
