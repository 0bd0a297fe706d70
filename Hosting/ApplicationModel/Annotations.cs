namespace Shop.Hosting.ApplicationModel;

/// <summary>Start this resource only after <see cref="Resource"/> is running and healthy.</summary>
public sealed record WaitAnnotation(IResource Resource) : IResourceAnnotation;

/// <summary>How many copies of a project run; each gets its own port behind the resource's stable port.</summary>
public sealed record ReplicaAnnotation(int Replicas) : IResourceAnnotation;

/// <summary>Keeps the server's data between runs under the app data folder (a named volume in the manifest).</summary>
public sealed record DataVolumeAnnotation(string VolumeName, string Target) : IResourceAnnotation;

/// <summary>The container image a server resource is deployed from (used only by the manifest).</summary>
public sealed record ContainerImageAnnotation(string Registry, string Image, string Tag) : IResourceAnnotation
{
    public string FullName => $"{Registry}/{Image}:{Tag}";
}

/// <summary>Records that one resource references another (drives waits in the dashboard and the manifest).</summary>
public sealed record ResourceReferenceAnnotation(IResource Resource) : IResourceAnnotation;

/// <summary>
/// Adds environment variables when the environment of a resource is computed, at run time (values) or when
/// the manifest is written (placeholders). Values are strings, <see cref="IValueProvider"/>s or
/// <see cref="ReferenceExpression"/>s.
/// </summary>
public sealed class EnvironmentCallbackAnnotation(Func<EnvironmentCallbackContext, Task> callback) : IResourceAnnotation
{
    public EnvironmentCallbackAnnotation(Action<EnvironmentCallbackContext> callback)
        : this(context => { callback(context); return Task.CompletedTask; })
    {
    }

    public Func<EnvironmentCallbackContext, Task> Callback { get; } = callback;
}

/// <summary>Command-line arguments for an executable or project.</summary>
public sealed record CommandLineArgsAnnotation(IReadOnlyList<string> Args) : IResourceAnnotation;

public sealed class EnvironmentCallbackContext(DistributedApplicationExecutionContext executionContext, IResource resource)
{
    public DistributedApplicationExecutionContext ExecutionContext { get; } = executionContext;

    public IResource Resource { get; } = resource;

    public Dictionary<string, object> EnvironmentVariables { get; } = new(StringComparer.Ordinal);
}
