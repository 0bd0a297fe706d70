namespace Shop.AppHost.LocalServers;

/// <summary>
/// Debian's redis-server run by DCP as an executable, with Aspire's <c>RedisResource</c> contract: the same
/// connection string (<c>host:port,password=…</c>) and connection properties, so <c>WithReference</c> gives a
/// service exactly the <c>ConnectionStrings__{name}</c> it gets from the container in publish mode.
/// </summary>
public sealed class LocalRedisResource(string name, string command, string dataFolder, ParameterResource password)
    : ExecutableResource(name, command, dataFolder), IResourceWithConnectionString
{
    internal const string PrimaryEndpointName = "tcp";

    private EndpointReference? _primaryEndpoint;

    public EndpointReference PrimaryEndpoint => _primaryEndpoint ??= new(this, PrimaryEndpointName);

    public EndpointReferenceExpression Host => PrimaryEndpoint.Property(EndpointProperty.Host);

    public EndpointReferenceExpression Port => PrimaryEndpoint.Property(EndpointProperty.Port);

    public ParameterResource PasswordParameter { get; } = password;

    /// <summary>The folder holding redis.conf and, with a data volume, the append-only file.</summary>
    public string DataFolder => WorkingDirectory;

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{PrimaryEndpoint.Property(EndpointProperty.HostAndPort)},password={PasswordParameter}");

    public ReferenceExpression UriExpression
    {
        get
        {
            // The builder (not ReferenceExpression.Create) keeps the ":uri" format, which escapes the password.
            var builder = new ReferenceExpressionBuilder();
            builder.Append($"{PrimaryEndpoint.Property(EndpointProperty.Scheme)}://:{PasswordParameter:uri}@{Host}:{Port}");
            return builder.Build();
        }
    }

    IEnumerable<KeyValuePair<string, ReferenceExpression>> IResourceWithConnectionString.GetConnectionProperties() =>
        ServerConnectionProperties.Of(Host, Port, userName: null, PasswordParameter, UriExpression);
}
