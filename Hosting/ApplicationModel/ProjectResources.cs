namespace Shop.Hosting.ApplicationModel;

/// <summary>Generated for each project an AppHost references (see build/Shop.Hosting.AppHost.targets).</summary>
public interface IProjectMetadata
{
    /// <summary>The project file.</summary>
    string ProjectPath { get; }

    /// <summary>The built assembly the local runtime starts with <c>dotnet exec</c>.</summary>
    string AssemblyPath { get; }
}

/// <summary>A .NET project of the solution, started from its build output.</summary>
public sealed class ProjectResource(string name, IProjectMetadata metadata)
    : Resource(name), IResourceWithServiceDiscovery, IResourceWithEnvironment, IResourceWithWaitSupport
{
    public IProjectMetadata Metadata { get; } = metadata;

    public int Replicas => Annotations.OfType<ReplicaAnnotation>().LastOrDefault()?.Replicas ?? 1;

    public EndpointReference GetEndpoint(string name) => new(this, name);
}

/// <summary>Any other program on the machine.</summary>
public sealed class ExecutableResource(string name, string command, string workingDirectory)
    : Resource(name), IResourceWithServiceDiscovery, IResourceWithEnvironment, IResourceWithWaitSupport
{
    public string Command { get; } = command;

    public string WorkingDirectory { get; } = workingDirectory;

    public EndpointReference GetEndpoint(string name) => new(this, name);
}

/// <summary>A connection string supplied from configuration (<c>ConnectionStrings:{name}</c>), e.g. an existing database.</summary>
public sealed class ConnectionStringResource(string name, ParameterResource value) : Resource(name), IResourceWithConnectionString
{
    public ParameterResource Value { get; } = value;

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create($"{Value}");
}
