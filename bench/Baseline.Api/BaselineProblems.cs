namespace Shop.Baseline.Api;

/// <summary>
/// The problem+json <c>type</c> of each refusal: the same URNs as Shop's buy path (docs/ordering.md), since the
/// bench tells a sold-out from an over-limit answer by its type, on both systems alike.
/// </summary>
public static class BaselineProblems
{
    public const string SoldOut = "urn:shop:problem:sold-out";
    public const string OverLimit = "urn:shop:problem:over-limit";
    public const string NotStarted = "urn:shop:problem:sale-not-started";
    public const string Ended = "urn:shop:problem:sale-ended";
    public const string UnknownSale = "urn:shop:problem:sale-not-found";
    public const string InvalidRequest = "urn:shop:problem:invalid-request";
}
