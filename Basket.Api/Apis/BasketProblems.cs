namespace Shop.Basket.Api.Apis;

/// <summary>The problem+json <c>type</c> of each way a basket change can be refused (docs/basket.md).</summary>
public static class BasketProblems
{
    public const string InvalidRequest = "urn:shop:problem:invalid-request";
    public const string ItemNotFound = "urn:shop:problem:item-not-found";
    public const string NotInBasket = "urn:shop:problem:not-in-basket";
    public const string BasketFull = "urn:shop:problem:basket-full";
    public const string Unavailable = "urn:shop:problem:unavailable";
}
