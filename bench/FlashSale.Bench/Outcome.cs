namespace Shop.Bench;

/// <summary>
/// What one request came back as. The buy path's answers map onto the first five; reads and ceilings use
/// <see cref="Ok"/>; a basket checkout answers <see cref="Reserved"/> or <see cref="Refused"/>.
/// </summary>
public enum Outcome
{
    /// <summary>202: a unit was reserved (an order id came back).</summary>
    Reserved,

    /// <summary>409 urn:shop:problem:sold-out.</summary>
    SoldOut,

    /// <summary>409 urn:shop:problem:over-limit.</summary>
    OverLimit,

    /// <summary>429: shed by admission (per-buyer bucket or decisions in flight).</summary>
    Shed,

    /// <summary>Anything else: another status, a transport failure, a timeout.</summary>
    Error,

    /// <summary>A 2xx answer to a read or a ceiling request.</summary>
    Ok,

    /// <summary>409 urn:shop:problem:insufficient-stock: a basket checkout refused as a whole, nothing held.</summary>
    Refused,
}
