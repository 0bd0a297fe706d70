namespace Shop.AppHost.LocalServers;

/// <summary>
/// Debian's Postgres run by DCP as an executable, with Aspire's <c>PostgresServerResource</c> contract: the same
/// connection string (<c>Host=…;Port=…;Username=postgres;Password=…</c>) and connection properties.
/// </summary>
public sealed class LocalPostgresServerResource(string name, string command, string dataFolder, ParameterResource password)
    : ExecutableResource(name, command, dataFolder), IResourceWithConnectionString
{
    internal const string PrimaryEndpointName = "tcp";
    internal const string UserName = "postgres";

    private readonly List<LocalPostgresDatabaseResource> _databases = [];

    public EndpointReference PrimaryEndpoint => field ??= new(this, PrimaryEndpointName);

    public EndpointReferenceExpression Host => PrimaryEndpoint.Property(EndpointProperty.Host);

    public EndpointReferenceExpression Port => PrimaryEndpoint.Property(EndpointProperty.Port);

    public ParameterResource PasswordParameter { get; } = password;

    /// <summary>The folder the cluster lives in (<c>pgdata</c> below it), owned by the postgres user.</summary>
    public string DataFolder => WorkingDirectory;

    public string ClusterFolder => Path.Combine(DataFolder, "pgdata");

    /// <summary>The databases created once the server is ready.</summary>
    public IReadOnlyList<LocalPostgresDatabaseResource> Databases => _databases;

    internal void AddDatabase(LocalPostgresDatabaseResource database) => _databases.Add(database);

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"Host={Host};Port={Port};Username={UserName};Password={PasswordParameter}");

    public ReferenceExpression UriExpression => BuildUri(null);

    internal ReferenceExpression BuildUri(string? databaseName)
    {
        var builder = new ReferenceExpressionBuilder();
        builder.Append($"postgresql://{UserName}:{PasswordParameter:uri}@{Host}:{Port}");
        if (databaseName is not null)
        {
            builder.Append($"/{databaseName:uri}");
        }
        return builder.Build();
    }

    internal ReferenceExpression BuildJdbcConnectionString(string? databaseName)
    {
        var builder = new ReferenceExpressionBuilder();
        builder.Append($"jdbc:postgresql://{Host}:{Port}");
        if (databaseName is not null)
        {
            builder.Append($"/{databaseName:uri}");
        }
        return builder.Build();
    }

    IEnumerable<KeyValuePair<string, ReferenceExpression>> IResourceWithConnectionString.GetConnectionProperties() =>
        ServerConnectionProperties.Of(Host, Port, UserName, PasswordParameter, UriExpression)
            .Append(new("JdbcConnectionString", BuildJdbcConnectionString(null)));
}
