namespace Shop.Hosting.ApplicationModel;

/// <summary>A named part of the application: a server, a database, a project, a parameter.</summary>
public interface IResource
{
    string Name { get; }

    /// <summary>Everything the builder extension methods attach to a resource (endpoints, env, waits...).</summary>
    List<IResourceAnnotation> Annotations { get; }
}

/// <summary>Marker for the metadata objects attached to a resource.</summary>
public interface IResourceAnnotation;

/// <summary>A resource that other resources can reference through a connection string.</summary>
public interface IResourceWithConnectionString : IResource
{
    /// <summary>The connection string, as values at run time and as placeholders in the manifest.</summary>
    ReferenceExpression ConnectionStringExpression { get; }

    /// <summary>The name under which dependents receive it: <c>ConnectionStrings__{ConnectionStringName}</c>.</summary>
    string ConnectionStringName => Name;
}

/// <summary>A resource that owns network endpoints.</summary>
public interface IResourceWithEndpoints : IResource;

/// <summary>A resource that serves HTTP and can be found by name through service discovery (<c>services__*</c>).</summary>
public interface IResourceWithServiceDiscovery : IResourceWithEndpoints;

/// <summary>A resource that receives environment variables (projects and executables).</summary>
public interface IResourceWithEnvironment : IResource;

/// <summary>A resource that can be started only after others are ready.</summary>
public interface IResourceWithWaitSupport : IResource;

/// <summary>A resource that lives inside another one (a database inside its server).</summary>
public interface IResourceWithParent : IResource
{
    IResource Parent { get; }
}

public abstract class Resource(string name) : IResource
{
    public string Name { get; } = ResourceNames.Validate(name);

    public List<IResourceAnnotation> Annotations { get; } = [];

    public override string ToString() => Name;
}

/// <summary>Resource names follow Aspire's rules so that the manifest and environment keys stay valid.</summary>
public static class ResourceNames
{
    public static string Validate(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var valid = name.Length <= 64
            && char.IsAsciiLetter(name[0])
            && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')
            && !name.EndsWith('-')
            && !name.Contains("--", StringComparison.Ordinal);
        if (!valid)
        {
            throw new ArgumentException(
                $"Resource name '{name}' is invalid: use ASCII letters, digits and single hyphens, start with a letter, at most 64 characters.",
                nameof(name));
        }
        return name;
    }
}
