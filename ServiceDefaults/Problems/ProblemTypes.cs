namespace Shop.ServiceDefaults.Problems;

/// <summary>
/// Every problem+json <c>type</c> Shop's APIs answer with, so that a client tells refusals apart without parsing
/// text: one list for the services that answer them, the storefront that reads them and the tests. Each name is the
/// URN's last part. What each one means on each route: docs/ordering.md, docs/basket.md, docs/checkout.md.
/// </summary>
public static class ProblemTypes
{
    // Any API.
    public const string InvalidRequest = "urn:shop:problem:invalid-request";
    public const string Busy = "urn:shop:problem:busy";
    public const string Unavailable = "urn:shop:problem:unavailable";

    // A buy, a checkout and the orders (ordering-api).
    public const string SoldOut = "urn:shop:problem:sold-out";
    public const string OverLimit = "urn:shop:problem:over-limit";
    public const string SaleNotStarted = "urn:shop:problem:sale-not-started";
    public const string SaleEnded = "urn:shop:problem:sale-ended";
    public const string SaleCancelled = "urn:shop:problem:sale-cancelled";
    public const string SaleNotFound = "urn:shop:problem:sale-not-found";
    public const string GateRestoring = "urn:shop:problem:gate-restoring";
    public const string TooManyOpenOrders = "urn:shop:problem:too-many-open-orders";
    public const string GateFull = "urn:shop:problem:gate-full";
    public const string IdempotencyKeyReused = "urn:shop:problem:idempotency-key-reused";
    public const string OrderNotFound = "urn:shop:problem:order-not-found";
    public const string OrderNotConfirmed = "urn:shop:problem:order-not-confirmed";
    public const string OrderClosed = "urn:shop:problem:order-closed";
    public const string InsufficientStock = "urn:shop:problem:insufficient-stock";
    public const string UnknownItem = "urn:shop:problem:unknown-item";

    // A basket change (basket-api).
    public const string ItemNotFound = "urn:shop:problem:item-not-found";
    public const string NotInBasket = "urn:shop:problem:not-in-basket";
    public const string BasketFull = "urn:shop:problem:basket-full";
}
