namespace Shop.ServiceDefaults.Health;

/// <summary>
/// The names under which Aspire's client integrations register their health checks when added unkeyed
/// (<c>AddRedisClient</c>, <c>AddNpgsqlDataSource</c>, <c>AddRabbitMQClient</c>). <c>AddNpgsqlDbContext</c>
/// names its check after the context type: <c>nameof(MyDbContext)</c>.
/// </summary>
public static class IntegrationHealthChecks
{
    public const string Redis = "StackExchange.Redis";

    public const string Npgsql = "PostgreSql";

    public const string RabbitMQ = "RabbitMQ.Client";
}
