using Shop.Hosting.ApplicationModel;

namespace Shop.Hosting.Orchestration;

/// <summary>The type names the dashboard and /api/resources show, as Aspire's dashboard names them.</summary>
public static class ResourceTypes
{
    public static string Of(IResource resource) => resource switch
    {
        RedisResource => "Redis",
        PostgresServerResource => "Postgres",
        PostgresDatabaseResource => "PostgresDatabase",
        RabbitMQServerResource => "RabbitMQ",
        ProjectResource => "Project",
        ExecutableResource => "Executable",
        ParameterResource => "Parameter",
        ConnectionStringResource => "ConnectionString",
        _ => resource.GetType().Name,
    };
}
