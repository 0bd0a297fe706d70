namespace Shop.ServiceDefaults.Clients;

/// <summary>
/// Settings of <c>AddRedisClient</c>, bound from <c>Aspire:StackExchange:Redis</c> (and
/// <c>Aspire:StackExchange:Redis:{connectionName}</c>) like Aspire's StackExchangeRedisSettings.
/// </summary>
public sealed class RedisClientSettings
{
    /// <summary>The configuration section the settings are bound from.</summary>
    public const string SectionName = "Aspire:StackExchange:Redis";

    /// <summary><c>host:port[,password=..][,ssl=true]</c>; <c>ConnectionStrings:{name}</c> takes precedence.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Do not register the PING health check.</summary>
    public bool DisableHealthChecks { get; set; }

    /// <summary>
    /// Kept for Aspire compatibility. StackExchange.Redis 1.2.6 emits no activities and the instrumentation
    /// package is not on the feed, so there is nothing to turn off yet.
    /// </summary>
    public bool DisableTracing { get; set; }
}
