namespace Shop.Ordering.Core.Redis;

/// <summary>
/// A sale (or an item's stock) as arm.lua writes it into the gate: always taken from the ledger's row, never
/// straight from an event. <see cref="Price"/> is the invariant text the API copies into each order;
/// <see cref="LedgerRemaining"/> becomes the stock only on the first arming.
/// </summary>
public sealed record GateStockDefinition(
    long Version,
    string Status,
    int Initial,
    int PerBuyerLimit,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    string Price,
    int LedgerRemaining);
