namespace Shop.Web.Services;

// basket-api's shapes as the storefront reads them (docs/basket.md).

/// <summary>
/// The shopper's basket. <see cref="Units"/> and <see cref="Total"/> count the available lines only: a line the
/// catalog no longer has stays in the basket (<see cref="BasketLine.Available"/> false, no price) until removed.
/// </summary>
public sealed record BasketContents(IReadOnlyList<BasketLine> Items, int Units, decimal Total)
{
    public static readonly BasketContents Empty = new([], 0, 0m);

    public bool IsEmpty => Items.Count == 0;

    public bool HasUnavailable => Items.Any(line => !line.Available);
}

public sealed record BasketLine(int ItemId, string? Name, decimal? UnitPrice, int Quantity, decimal? LineTotal, string? PictureUrl, bool Available);

/// <summary>Body of <c>PUT /api/basket/items/{itemId}</c>.</summary>
public sealed record SetBasketQuantity(int Quantity);
