namespace Shop.Bench.Checkout;

/// <summary>One hot item after a checkout run: its stock, what the answers claimed, what orderingdb holds.</summary>
public sealed record ItemAudit
{
    public required int ItemId { get; init; }

    public required Guid StockId { get; init; }

    /// <summary>The stock the bench announced (CatalogItemChanged).</summary>
    public required int Stock { get; init; }

    /// <summary>Units of the item in the baskets that got a 202.</summary>
    public required long AcceptedUnits { get; init; }

    /// <summary>Units in the item's live order lines (Confirmed or Paid: expired and cancelled ones gave theirs back).</summary>
    public required long LiveUnits { get; init; }

    /// <summary>The ledger row (stocks, kind 'Item'): null if there is none (not required: a null is left out of the JSON report).</summary>
    public int? LedgerInitial { get; init; }

    public int? LedgerRemaining { get; init; }

    /// <summary>Live units beyond the stock.</summary>
    public long Oversell => Math.Max(0, LiveUnits - Stock);

    /// <summary>The ledger holds the announced stock and remaining == stock − live units.</summary>
    public bool LedgerAgrees => LedgerInitial == Stock && LedgerRemaining == Stock - LiveUnits;
}

/// <summary>What orderingdb holds after a checkout run, checked against every answer the generator got.</summary>
public sealed record CheckoutAuditResult
{
    public required IReadOnlyList<ItemAudit> Items { get; init; }

    /// <summary>Checkout attempts (distinct keys) the run drew, and how many of them were sent twice.</summary>
    public required long Attempts { get; init; }

    public required long AttemptsSentTwice { get; init; }

    /// <summary>Distinct order ids in 202 answers.</summary>
    public required long AcceptedOrders { get; init; }

    /// <summary>Attempts whose every decision was a 409 (nothing may be persisted for them).</summary>
    public required long RefusedBaskets { get; init; }

    /// <summary>Order lines the accepted baskets hold (the rows orderingdb must have).</summary>
    public required long AcceptedLines { get; init; }

    public required long CheckoutsInDatabase { get; init; }

    public required long LinesInDatabase { get; init; }

    /// <summary>Attempts sent twice whose two answers were both 202 with the same order id.</summary>
    public required long RepeatsSameOrder { get; init; }

    /// <summary>Attempts sent twice whose two answers were both 409 (the basket was short both times).</summary>
    public long RepeatsBothRefused { get; init; }

    /// <summary>Attempts sent twice with a 202 and a 409 (the stock never grows during a run: the answers must agree).</summary>
    public required long RepeatsDiverged { get; init; }

    /// <summary>
    /// One order id answered to two attempts, two order ids for one key (answered or persisted), or more rows for a
    /// checkout than its basket has lines.
    /// </summary>
    public required long Duplicates { get; init; }

    /// <summary>Accepted order ids with no row once the pipeline drained (or the deadline passed).</summary>
    public required long Lost { get; init; }

    /// <summary>Accepted orders persisted with fewer lines than their basket, or lines other than the basket's.</summary>
    public required long Incomplete { get; init; }

    /// <summary>Refused baskets with rows in orderingdb.</summary>
    public required long RefusedPersisted { get; init; }

    /// <summary>Checkouts in the table whose key got no 202 (e.g. an answer cut off at the drain timeout): not a loss, but not seen by the buyer.</summary>
    public required long Unacknowledged { get; init; }

    public required bool Drained { get; init; }

    /// <summary>The latest confirmed_at of the run's lines: when the last order became durable.</summary>
    public DateTimeOffset? LastDurableAt { get; init; }

    /// <summary>When the audit's polling first saw every accepted order with all its lines.</summary>
    public DateTimeOffset? ObservedCompleteAt { get; init; }

    public long Oversell => Items.Sum(i => i.Oversell);

    public bool LedgerAgrees => Items.All(i => i.LedgerAgrees);

    public bool Clean => Oversell == 0 && Duplicates == 0 && Lost == 0 && Incomplete == 0 && RefusedPersisted == 0 && RepeatsDiverged == 0 && LedgerAgrees;
}
