using Shop.Hosting.ApplicationModel;

namespace Shop.Hosting.Orchestration;

/// <summary>
/// Runs a resource's environment callbacks and turns the values into strings, noting which ones carry a
/// secret so the dashboard can mask them.
/// </summary>
internal sealed class EnvironmentResolver(DistributedApplicationExecutionContext executionContext)
{
    public async Task<IReadOnlyList<EnvironmentEntry>> ResolveAsync(IResource resource, IEnumerable<KeyValuePair<string, object>> first, CancellationToken cancellationToken)
    {
        var context = new EnvironmentCallbackContext(executionContext, resource);
        foreach (var (name, value) in first)
        {
            context.EnvironmentVariables[name] = value;
        }
        foreach (var callback in resource.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await callback.Callback(context).ConfigureAwait(false);
        }
        var entries = new List<EnvironmentEntry>(context.EnvironmentVariables.Count);
        foreach (var (name, value) in context.EnvironmentVariables)
        {
            entries.Add(new EnvironmentEntry(name, await ToStringAsync(value, cancellationToken).ConfigureAwait(false), IsSecret(value)));
        }
        return entries;
    }

    private static async Task<string> ToStringAsync(object value, CancellationToken cancellationToken) => value switch
    {
        string text => text,
        IValueProvider provider => await provider.GetValueAsync(cancellationToken).ConfigureAwait(false) ?? "",
        _ => value.ToString() ?? "",
    };

    public static bool IsSecret(object value) => value switch
    {
        ParameterResource parameter => parameter.Secret,
        ReferenceExpression expression => expression.ValueProviders.Any(IsSecret),
        ConnectionStringReference reference => IsSecret(reference.Resource.ConnectionStringExpression),
        ConnectionStringResource => true,
        _ => false,
    };
}
