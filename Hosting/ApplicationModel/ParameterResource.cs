namespace Shop.Hosting.ApplicationModel;

/// <summary>
/// An externally supplied value (configuration key <c>Parameters:{name}</c>). A secret parameter that is not
/// configured is generated once and kept in the app data folder, so passwords stay stable between runs.
/// </summary>
public sealed class ParameterResource(string name, bool secret, bool generated) : Resource(name), IValueProvider, IManifestExpressionProvider
{
    private Func<string>? _valueSource;
    private string? _value;

    public bool Secret { get; } = secret;

    /// <summary>True when no value is configured and one is generated (the manifest then asks azd to generate it).</summary>
    public bool Generated { get; } = generated;

    public string Value => _value ??= (_valueSource ?? throw new InvalidOperationException($"Parameter '{Name}' has no value source."))();

    public string ValueExpression => $"{{{Name}.value}}";

    internal void SetValueSource(Func<string> valueSource) => _valueSource = valueSource;

    public ValueTask<string?> GetValueAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult<string?>(Value);
}
