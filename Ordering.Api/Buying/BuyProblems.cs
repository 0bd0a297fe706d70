namespace Shop.Ordering.Api.Buying;

/// <summary>
/// The problem+json <c>type</c> of each way a buy can be refused, so a client can tell them apart without
/// parsing text. Documented in docs/ordering.md.
/// </summary>
public static class BuyProblems
{
    public const string SoldOut = "urn:shop:problem:sold-out";
    public const string OverLimit = "urn:shop:problem:over-limit";
    public const string NotStarted = "urn:shop:problem:sale-not-started";
    public const string Ended = "urn:shop:problem:sale-ended";
    public const string Cancelled = "urn:shop:problem:sale-cancelled";
    public const string UnknownSale = "urn:shop:problem:sale-not-found";
    public const string Busy = "urn:shop:problem:busy";
    public const string Restoring = "urn:shop:problem:gate-restoring";
    public const string Unavailable = "urn:shop:problem:unavailable";
    public const string IdempotencyKeyReused = "urn:shop:problem:idempotency-key-reused";
    public const string InvalidRequest = "urn:shop:problem:invalid-request";
    public const string OrderNotFound = "urn:shop:problem:order-not-found";
    public const string OrderNotConfirmed = "urn:shop:problem:order-not-confirmed";
    public const string OrderClosed = "urn:shop:problem:order-closed";
    public const string InsufficientStock = "urn:shop:problem:insufficient-stock";
    public const string UnknownItem = "urn:shop:problem:unknown-item";
}
