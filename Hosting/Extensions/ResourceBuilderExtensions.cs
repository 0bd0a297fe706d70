using Shop.Hosting.ApplicationModel;

namespace Shop.Hosting;

/// <summary>The wiring verbs shared by every kind of resource, with Aspire's names and meanings.</summary>
public static class ResourceBuilderExtensions
{
    /// <summary>Passes the connection string as <c>ConnectionStrings__{name}</c>.</summary>
    public static IResourceBuilder<T> WithReference<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResourceWithConnectionString> source)
        where T : IResourceWithEnvironment
    {
        var resource = source.Resource;
        builder.Resource.Annotations.Add(new ResourceReferenceAnnotation(resource));
        return builder.WithEnvironment(context =>
            context.EnvironmentVariables[$"ConnectionStrings__{resource.ConnectionStringName}"] = new ConnectionStringReference(resource));
    }

    /// <summary>
    /// Passes every address of a project as <c>services__{name}__{endpoint}__{i}</c>, the keys service
    /// discovery reads. Locally each replica is listed; in the manifest, each endpoint once.
    /// </summary>
    public static IResourceBuilder<T> WithReference<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResourceWithServiceDiscovery> source)
        where T : IResourceWithEnvironment
    {
        var resource = source.Resource;
        builder.Resource.Annotations.Add(new ResourceReferenceAnnotation(resource));
        return builder.WithEnvironment(context =>
        {
            foreach (var endpoint in resource.Annotations.OfType<EndpointAnnotation>().Where(e => e.Transport == "http"))
            {
                var prefix = $"services__{resource.Name}__{endpoint.Name}__";
                if (context.ExecutionContext.IsPublishMode)
                {
                    context.EnvironmentVariables[prefix + "0"] = new EndpointReference(resource, endpoint.Name);
                    continue;
                }
                var host = endpoint.Allocated?.Host ?? "127.0.0.1";
                for (var i = 0; i < endpoint.ReplicaPorts.Count; i++)
                {
                    context.EnvironmentVariables[prefix + i] = $"{endpoint.UriScheme}://{host}:{endpoint.ReplicaPorts[i]}";
                }
            }
        });
    }

    /// <summary>Do not start this resource until <paramref name="dependency"/> is running and healthy.</summary>
    public static IResourceBuilder<T> WaitFor<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResource> dependency)
        where T : IResourceWithWaitSupport
    {
        if (ReferenceEquals(builder.Resource, dependency.Resource))
        {
            throw new DistributedApplicationException($"Resource '{builder.Resource.Name}' cannot wait for itself.");
        }
        builder.Resource.Annotations.Add(new WaitAnnotation(dependency.Resource));
        return builder;
    }

    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, string name, string value)
        where T : IResourceWithEnvironment =>
        builder.WithEnvironment(context => context.EnvironmentVariables[name] = value);

    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, string name, IResourceBuilder<ParameterResource> parameter)
        where T : IResourceWithEnvironment =>
        builder.WithEnvironment(context => context.EnvironmentVariables[name] = parameter.Resource);

    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, string name, ReferenceExpression value)
        where T : IResourceWithEnvironment =>
        builder.WithEnvironment(context => context.EnvironmentVariables[name] = value);

    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, Action<EnvironmentCallbackContext> callback)
        where T : IResourceWithEnvironment
    {
        builder.Resource.Annotations.Add(new EnvironmentCallbackAnnotation(callback));
        return builder;
    }

    public static IResourceBuilder<T> WithArgs<T>(this IResourceBuilder<T> builder, params string[] args)
        where T : IResourceWithEnvironment
    {
        builder.Resource.Annotations.Add(new CommandLineArgsAnnotation(args));
        return builder;
    }

    /// <summary>Runs <paramref name="replicas"/> copies, each on its own port, behind a round-robin proxy on the stable port.</summary>
    public static IResourceBuilder<ProjectResource> WithReplicas(this IResourceBuilder<ProjectResource> builder, int replicas)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(replicas, 1);
        builder.Resource.Annotations.Add(new ReplicaAnnotation(replicas));
        return builder;
    }

    /// <summary>Adds an HTTP endpoint; <paramref name="port"/> fixes the stable port, otherwise a free one is taken.</summary>
    public static IResourceBuilder<T> WithHttpEndpoint<T>(this IResourceBuilder<T> builder, int? port = null, int? targetPort = null, string name = "http", string? env = null)
        where T : IResourceWithEndpoints =>
        builder.WithEndpoint(name, "http", port, targetPort, env);

    public static IResourceBuilder<T> WithEndpoint<T>(this IResourceBuilder<T> builder, string name, string scheme, int? port = null, int? targetPort = null, string? env = null)
        where T : IResourceWithEndpoints
    {
        if (builder.Resource.Annotations.OfType<EndpointAnnotation>().Any(e => e.Name == name))
        {
            throw new DistributedApplicationException($"Resource '{builder.Resource.Name}' already has an endpoint named '{name}'.");
        }
        builder.Resource.Annotations.Add(new EndpointAnnotation(name, scheme, port, targetPort, env));
        return builder;
    }

    /// <summary>Marks the HTTP endpoints as reachable from outside (public ingress in a deployment).</summary>
    public static IResourceBuilder<T> WithExternalHttpEndpoints<T>(this IResourceBuilder<T> builder)
        where T : IResourceWithEndpoints
    {
        foreach (var endpoint in builder.Resource.Annotations.OfType<EndpointAnnotation>().Where(e => e.Transport == "http"))
        {
            endpoint.IsExternal = true;
        }
        return builder;
    }

    public static EndpointReference GetEndpoint<T>(this IResourceBuilder<T> builder, string name)
        where T : IResourceWithEndpoints => new(builder.Resource, name);
}
