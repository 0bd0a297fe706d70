using System.Runtime.CompilerServices;
using System.Text;

namespace Shop.Hosting.ApplicationModel;

/// <summary>
/// A value known only at run time (a port, a password) that also has a manifest placeholder such as
/// <c>{cache.bindings.tcp.port}</c>.
/// </summary>
public interface IValueProvider
{
    ValueTask<string?> GetValueAsync(CancellationToken cancellationToken = default);
}

public interface IManifestExpressionProvider
{
    string ValueExpression { get; }
}

/// <summary>
/// A string made of literal text and <see cref="IValueProvider"/>s, written with C# string interpolation:
/// <c>ReferenceExpression.Create($"{host}:{port},password={password}")</c>. It yields the real value at run
/// time and the placeholder form for the manifest, so the two can never drift apart.
/// </summary>
public sealed class ReferenceExpression : IValueProvider, IManifestExpressionProvider
{
    private readonly string[] _literals;
    private readonly object[] _values;

    private ReferenceExpression(string[] literals, object[] values)
    {
        _literals = literals;
        _values = values;
    }

    public static ReferenceExpression Create(in ExpressionInterpolatedStringHandler handler) => handler.Build();

    /// <summary>Every value that appears in the expression (used to find the resources it depends on).</summary>
    public IReadOnlyList<object> ValueProviders => _values;

    public string ValueExpression
    {
        get
        {
            var text = new StringBuilder(_literals[0]);
            for (var i = 0; i < _values.Length; i++)
            {
                text.Append(((IManifestExpressionProvider)_values[i]).ValueExpression).Append(_literals[i + 1]);
            }
            return text.ToString();
        }
    }

    public async ValueTask<string?> GetValueAsync(CancellationToken cancellationToken = default)
    {
        var text = new StringBuilder(_literals[0]);
        for (var i = 0; i < _values.Length; i++)
        {
            text.Append(await ((IValueProvider)_values[i]).GetValueAsync(cancellationToken).ConfigureAwait(false))
                .Append(_literals[i + 1]);
        }
        return text.ToString();
    }

    public override string ToString() => ValueExpression;

    [InterpolatedStringHandler]
    public ref struct ExpressionInterpolatedStringHandler
    {
        private readonly List<string> _literals;
        private readonly List<object> _values;
        private readonly StringBuilder _current;

        public ExpressionInterpolatedStringHandler(int literalLength, int formattedCount)
        {
            _literals = new List<string>(formattedCount + 1);
            _values = new List<object>(formattedCount);
            _current = new StringBuilder(literalLength);
        }

        public readonly void AppendLiteral(string value) => _current.Append(value);

        public readonly void AppendFormatted(string? value) => _current.Append(value);

        public readonly void AppendFormatted<T>(T value) where T : IValueProvider, IManifestExpressionProvider
        {
            _literals.Add(_current.ToString());
            _current.Clear();
            _values.Add(value);
        }

        internal readonly ReferenceExpression Build()
        {
            _literals.Add(_current.ToString());
            return new ReferenceExpression([.. _literals], [.. _values]);
        }
    }
}
