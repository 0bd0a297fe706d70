namespace Shop.Ordering.Worker.Reservations;

/// <summary>
/// The ledger has fewer units left than a batch would sell: persisting it would oversell. The gate should never
/// let this happen, so it is an error, and the batch is rolled back rather than partly kept.
/// </summary>
public sealed class LedgerRefusedException(Guid stockId, int units)
    : Exception($"The ledger of stock {stockId} has fewer than {units} units remaining: persisting would oversell.")
{
    public Guid StockId { get; } = stockId;

    public int Units { get; } = units;
}
