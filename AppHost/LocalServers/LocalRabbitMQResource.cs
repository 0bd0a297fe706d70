namespace Shop.AppHost.LocalServers;

/// <summary>
/// Debian's rabbitmq-server run by DCP as an executable, with Aspire's <c>RabbitMQServerResource</c> contract:
/// the same connection string (<c>amqp://shop:…@host:port</c>) and connection properties.
/// </summary>
public sealed class LocalRabbitMQResource(string name, string command, string dataFolder, ParameterResource password)
    : ExecutableResource(name, command, dataFolder), IResourceWithConnectionString
{
    internal const string PrimaryEndpointName = "tcp";
    internal const string DistributionEndpointName = "dist";
    /// <summary>
    /// The broker's only user, Shop's own: the services connect as it (with the password parameter); RabbitMQ's
    /// default <c>guest</c> never exists (publish mode gives Aspire's container the same name, ServerResources).
    /// </summary>
    public const string UserName = "shop";

    public EndpointReference PrimaryEndpoint => field ??= new(this, PrimaryEndpointName);

    /// <summary>Erlang's distribution port (rabbitmqctl and clustering), bound to loopback like everything else.</summary>
    public EndpointReference DistributionEndpoint => field ??= new(this, DistributionEndpointName);

    public EndpointReferenceExpression Host => PrimaryEndpoint.Property(EndpointProperty.Host);

    public EndpointReferenceExpression Port => PrimaryEndpoint.Property(EndpointProperty.Port);

    public ParameterResource PasswordParameter { get; } = password;

    public string DataFolder => WorkingDirectory;

    public ReferenceExpression ConnectionStringExpression => UriExpression;

    public ReferenceExpression UriExpression
    {
        get
        {
            // The builder (not ReferenceExpression.Create) keeps the ":uri" format, which escapes the password.
            var builder = new ReferenceExpressionBuilder();
            builder.Append($"amqp://{UserName}:{PasswordParameter:uri}@{PrimaryEndpoint.Property(EndpointProperty.HostAndPort)}");
            return builder.Build();
        }
    }

    IEnumerable<KeyValuePair<string, ReferenceExpression>> IResourceWithConnectionString.GetConnectionProperties() =>
        ServerConnectionProperties.Of(Host, Port, UserName, PasswordParameter, UriExpression);
}
