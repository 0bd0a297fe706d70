namespace Shop.Web.Presentation;

/// <summary>
/// The number a shopper sees for an order. Order ids are version-7 GUIDs: their first characters are a timestamp,
/// so every order placed within about a minute began the same way. The last twelve hex digits are random bits of
/// the id, so they tell a shopper's orders apart; grouped in fours to read out. wwwroot/js/sale.js does the same.
/// </summary>
public static class OrderNumbers
{
    public static string Of(Guid orderId)
    {
        var hex = orderId.ToString("N").ToUpperInvariant();
        return $"{hex[20..24]}-{hex[24..28]}-{hex[28..32]}";
    }
}
