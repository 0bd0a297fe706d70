namespace Shop.Hosting.ApplicationModel;

/// <summary>
/// A resource's connection string as a value: the real string at run time, <c>{name.connectionString}</c> in
/// the manifest (so the deployment tool resolves it once, where the resource is defined).
/// </summary>
public sealed class ConnectionStringReference(IResourceWithConnectionString resource) : IValueProvider, IManifestExpressionProvider
{
    public IResourceWithConnectionString Resource { get; } = resource;

    public string ValueExpression => $"{{{Resource.Name}.connectionString}}";

    public ValueTask<string?> GetValueAsync(CancellationToken cancellationToken = default) =>
        Resource.ConnectionStringExpression.GetValueAsync(cancellationToken);
}
