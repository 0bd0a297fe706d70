namespace Shop.Ordering.Api.Checkout;

/// <summary>Bounds of a checkout, bound from <c>Ordering:Checkout</c>; the same as the basket's (docs/basket.md).</summary>
public sealed class CheckoutOptions
{
    public const string SectionName = "Ordering:Checkout";

    public int MaxLines { get; set; } = 20;

    public int MaxQuantity { get; set; } = 10;

    /// <summary>20 lines of <c>{"itemId": n, "quantity": n}</c> fit with room to spare.</summary>
    public int MaxBodyBytes { get; set; } = 4096;
}
