namespace Shop.Hosting.ApplicationModel;

/// <summary>
/// A server that the local runtime starts from the machine's own binary and the manifest describes as a
/// container. It has one "tcp" endpoint and a generated password.
/// </summary>
public abstract class ServerResource(string name, ParameterResource password) : Resource(name), IResourceWithConnectionString, IResourceWithEndpoints, IResourceWithWaitSupport
{
    public const string PrimaryEndpointName = "tcp";

    public ParameterResource PasswordParameter { get; } = password;

    public EndpointReference PrimaryEndpoint => new(this, PrimaryEndpointName);

    public abstract ReferenceExpression ConnectionStringExpression { get; }

    protected EndpointReferenceExpression Host => PrimaryEndpoint.Property(EndpointProperty.Host);

    protected EndpointReferenceExpression Port => PrimaryEndpoint.Property(EndpointProperty.Port);
}

public sealed class RedisResource(string name, ParameterResource password) : ServerResource(name, password)
{
    public override ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{Host}:{Port},password={PasswordParameter}");
}

public sealed class PostgresServerResource(string name, ParameterResource password) : ServerResource(name, password)
{
    public const string UserName = "postgres";

    public List<PostgresDatabaseResource> Databases { get; } = [];

    public override ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"Host={Host};Port={Port};Username={UserName};Password={PasswordParameter}");
}

/// <summary>A database created inside its Postgres server once the server is ready.</summary>
public sealed class PostgresDatabaseResource(string name, string databaseName, PostgresServerResource parent)
    : Resource(name), IResourceWithConnectionString, IResourceWithParent, IResourceWithWaitSupport
{
    public string DatabaseName { get; } = databaseName;

    public PostgresServerResource Parent { get; } = parent;

    IResource IResourceWithParent.Parent => Parent;

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{new ConnectionStringReference(Parent)};Database={DatabaseName}");
}

public sealed class RabbitMQServerResource(string name, ParameterResource password) : ServerResource(name, password)
{
    public const string UserName = "guest";

    public override ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"amqp://{UserName}:{PasswordParameter}@{Host}:{Port}");
}
