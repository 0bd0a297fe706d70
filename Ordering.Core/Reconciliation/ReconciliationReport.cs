namespace Shop.Ordering.Core.Reconciliation;

/// <summary>
/// The stock invariant of one stock (a flash sale's or an item's), term by term:
/// <c>redisRemaining + inFlight + sold + releasing == initial</c>, and no buyer above the limit.
/// </summary>
/// <param name="RedisRemaining">Units the gate can still sell (null when the gate does not hold the stock).</param>
/// <param name="InFlight">Units accepted by the gate whose orders are not durable yet.</param>
/// <param name="Sold">Units durably sold in the ledger (initial − ledger remaining).</param>
/// <param name="Releasing">Units given back in the ledger (expired, cancelled) not yet back in the gate.</param>
public sealed record ReconciliationReport(
    Guid StockId,
    int Initial,
    long? RedisRemaining,
    long? InFlight,
    int Sold,
    int Releasing,
    int LedgerRemaining,
    int PerBuyerLimit,
    IReadOnlyList<BuyerOverLimit> BuyersOverLimit,
    bool Holds,
    DateTimeOffset CheckedAt)
{
    public long? Difference => RedisRemaining + InFlight + Sold + Releasing - Initial;

    /// <summary>The same measurement with the buyers found over the limit: it holds only if there are none.</summary>
    public ReconciliationReport WithBuyersOverLimit(IReadOnlyList<BuyerOverLimit> buyers) =>
        this with { BuyersOverLimit = buyers, Holds = Holds && buyers.Count == 0 };
}

public sealed record BuyerOverLimit(string BuyerId, int Units);
