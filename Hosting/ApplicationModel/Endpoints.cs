namespace Shop.Hosting.ApplicationModel;

/// <summary>
/// A network endpoint of a resource. <see cref="Port"/> is the stable port clients use (fixed or allocated);
/// <see cref="TargetPort"/> is where the process listens inside a container (manifest only). Locally each
/// replica listens on its own port, recorded in <see cref="ReplicaPorts"/>.
/// </summary>
public sealed class EndpointAnnotation(string name, string scheme, int? port = null, int? targetPort = null, string? env = null)
    : IResourceAnnotation
{
    public string Name { get; } = name;

    public string UriScheme { get; } = scheme;

    /// <summary>"tcp" for servers, "http" for web projects: the manifest's transport.</summary>
    public string Transport => UriScheme is "http" or "https" ? "http" : "tcp";

    public int? Port { get; set; } = port;

    public int? TargetPort { get; } = targetPort;

    /// <summary>An environment variable through which a project learns its port (for executables).</summary>
    public string? EnvironmentVariable { get; } = env;

    public bool IsExternal { get; set; }

    /// <summary>The address bound on this machine, set by the local runtime before anything starts.</summary>
    public AllocatedEndpoint? Allocated { get; set; }

    /// <summary>The port of each replica; equal to the stable port when there is one replica.</summary>
    public IReadOnlyList<int> ReplicaPorts { get; set; } = [];
}

public sealed record AllocatedEndpoint(string Host, int Port, string Scheme)
{
    public string Url => $"{Scheme}://{Host}:{Port}";
}

public enum EndpointProperty
{
    Url,
    Host,
    Port,
}

/// <summary>Points at one endpoint of a resource; a value provider for its URL, host or port.</summary>
public sealed class EndpointReference(IResourceWithEndpoints resource, string endpointName)
    : IValueProvider, IManifestExpressionProvider
{
    public IResourceWithEndpoints Resource { get; } = resource;

    public string EndpointName { get; } = endpointName;

    public EndpointAnnotation Annotation =>
        Resource.Annotations.OfType<EndpointAnnotation>().SingleOrDefault(e => e.Name == EndpointName)
        ?? throw new InvalidOperationException($"Resource '{Resource.Name}' has no endpoint named '{EndpointName}'.");

    public AllocatedEndpoint Allocated => Annotation.Allocated
        ?? throw new InvalidOperationException($"Endpoint '{Resource.Name}/{EndpointName}' has no address yet: the application has not started.");

    public EndpointReferenceExpression Property(EndpointProperty property) => new(this, property);

    public string ValueExpression => Property(EndpointProperty.Url).ValueExpression;

    public ValueTask<string?> GetValueAsync(CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<string?>(Allocated.Url);
}

public sealed class EndpointReferenceExpression(EndpointReference endpoint, EndpointProperty property)
    : IValueProvider, IManifestExpressionProvider
{
    public EndpointReference Endpoint { get; } = endpoint;

    public string ValueExpression =>
        $"{{{Endpoint.Resource.Name}.bindings.{Endpoint.EndpointName}.{property.ToString().ToLowerInvariant()}}}";

    public ValueTask<string?> GetValueAsync(CancellationToken cancellationToken = default)
    {
        var allocated = Endpoint.Allocated;
        return ValueTask.FromResult<string?>(property switch
        {
            EndpointProperty.Host => allocated.Host,
            EndpointProperty.Port => allocated.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            _ => allocated.Url,
        });
    }
}
