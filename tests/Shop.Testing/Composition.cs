using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;

namespace Shop.Testing;

/// <summary>
/// Which resources of the real composition a test app starts. A test of one service needs that service and its
/// servers, not the other four services, the storefront and the monitoring servers: those stay declared as the
/// AppHost declares them (so every reference and endpoint is the real one) but are not started (Aspire's explicit
/// start). A service that references one of them without waiting for it (catalog-api reads ordering-api's stock)
/// finds nothing listening, as it would if that service were down.
/// </summary>
public static class Composition
{
    /// <summary>
    /// Marks every resource outside <paramref name="needed"/> and what they wait for (transitively, with their
    /// parents: a database's server) as not started, and returns the ones that will start. What a service waits for
    /// includes what it waits to complete: a test of catalog-api starts the <c>migrations</c> resource with it.
    /// </summary>
    public static IReadOnlyList<IResource> StartOnly(IDistributedApplicationTestingBuilder builder, IEnumerable<string> needed)
    {
        var byName = builder.Resources.ToDictionary(r => r.Name, StringComparer.Ordinal);
        var started = new HashSet<IResource>();
        var pending = new Queue<IResource>(needed.Select(name => byName.TryGetValue(name, out var resource)
            ? resource
            : throw new ArgumentException($"'{name}' is not a resource of the composition", nameof(needed))));
        while (pending.TryDequeue(out var resource))
        {
            if (!started.Add(resource))
            {
                continue;
            }
            foreach (var dependency in resource.Annotations.OfType<WaitAnnotation>().Select(w => w.Resource))
            {
                pending.Enqueue(dependency);
            }
            if (resource is IResourceWithParent child)
            {
                pending.Enqueue(child.Parent);
            }
        }
        // Only what DCP runs has a start to hold back; a database is a part of its server's process.
        foreach (var resource in builder.Resources.Where(r => r is ExecutableResource or ProjectResource or ContainerResource && !started.Contains(r)))
        {
            resource.Annotations.Add(new ExplicitStartupAnnotation());
        }
        return [.. started.Where(IsStartable)];
    }

    /// <summary>
    /// The resources that something waits to complete (<c>WaitForCompletion</c>: the <c>migrations</c> resource), of
    /// <paramref name="resources"/>: a start waits for them to exit with code 0, not to be healthy.
    /// </summary>
    public static IReadOnlySet<string> RunningToCompletion(IEnumerable<IResource> model, IEnumerable<IResource> resources)
    {
        var completed = model.SelectMany(r => r.Annotations.OfType<WaitAnnotation>())
            .Where(w => w.WaitType == WaitType.WaitForCompletion)
            .Select(w => w.Resource.Name)
            .ToHashSet(StringComparer.Ordinal);
        return resources.Select(r => r.Name).Where(completed.Contains).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// A resource that runs and has a health to wait for: not a parameter, and not a project's rebuilder (Aspire's
    /// internal ProjectRebuilderResource, matched by name, which runs only when asked).
    /// </summary>
    public static bool IsStartable(IResource resource) =>
        resource is not ParameterResource && resource.GetType().Name != "ProjectRebuilderResource";
}
