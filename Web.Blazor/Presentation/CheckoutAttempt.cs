using System.Globalization;
using Shop.Web.Services;

namespace Shop.Web.Presentation;

/// <summary>
/// The Idempotency-Key of one checkout attempt. The attempt is the basket as it was when the shopper pressed
/// the button: a double click, or "Try again" after a busy answer or a failure to reach ordering, is the same
/// attempt and sends the same key (so ordering makes at most one order of it). Other lines are another attempt
/// with a new key (ordering refuses a known key with other lines); so is any try after a final answer.
/// </summary>
public sealed class CheckoutAttempt(Func<string>? newKey = null)
{
    private readonly Func<string> _newKey = newKey ?? (() => Guid.NewGuid().ToString());
    private string? _key;
    private string? _lines;

    /// <summary>The key in use, if an attempt is open.</summary>
    public string? Key => _key;

    /// <summary>The key for checking out <paramref name="items"/>: the open attempt's if it is for the same lines.</summary>
    public string KeyFor(IReadOnlyList<CheckoutItem> items)
    {
        var lines = Fingerprint(items);
        if (_key is null || _lines != lines)
        {
            _key = _newKey();
            _lines = lines;
        }
        return _key;
    }

    /// <summary>The attempt got its final answer (an order, or a refusal a retry would not change).</summary>
    public void Finish()
    {
        _key = null;
        _lines = null;
    }

    private static string Fingerprint(IReadOnlyList<CheckoutItem> items) =>
        string.Join(',', items.OrderBy(i => i.ItemId).Select(i => string.Create(CultureInfo.InvariantCulture, $"{i.ItemId}x{i.Quantity}")));
}
