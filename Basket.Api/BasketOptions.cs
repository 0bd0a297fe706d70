namespace Shop.Basket.Api;

/// <summary>The basket's bounds, bound from <c>Basket</c>.</summary>
public sealed class BasketOptions
{
    public const string SectionName = "Basket";

    /// <summary>Different items one basket may hold; one more is refused (409).</summary>
    public int MaxLines { get; set; } = 20;

    /// <summary>Units of one item in a basket (a shop, not a wholesaler).</summary>
    public int MaxQuantity { get; set; } = 10;

    /// <summary>How long a basket is kept after its last change.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);
}
