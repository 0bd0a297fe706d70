using Shop.Ordering.Core;

namespace Shop.Bench.Checkout;

/// <summary>An order line as orderingdb holds it (a checkout is one row per line, all with its checkout_id).</summary>
public sealed record OrderLineRow(Guid LineId, Guid? CheckoutId, Guid StockId, string BuyerId, string IdempotencyKey, int Quantity, string Status, DateTimeOffset ConfirmedAt)
{
    /// <summary>Still holding its units: not expired, not cancelled.</summary>
    public bool Live => Status is "Confirmed" or "Paid";
}

/// <summary>An item's ledger row (stocks, kind 'Item').</summary>
public sealed record ItemLedger(Guid StockId, int InitialQuantity, int Remaining);

/// <summary>
/// The checkout run's audit, on data alone (the database reads are <see cref="CheckoutLedger"/>'s): every answer
/// the generator got against the rows and ledgers of the run's items, per item and per checkout.
/// </summary>
public static class CheckoutAudit
{
    public static CheckoutAuditResult Evaluate(IReadOnlyList<CheckoutAttempt> attempts, IReadOnlyList<CheckoutAnswer> answers, int stockPerItem,
        IReadOnlyList<int> items, IReadOnlyList<OrderLineRow> rows, IReadOnlyList<ItemLedger> ledgers, bool drained, DateTimeOffset? observedCompleteAt = null)
    {
        var byAttempt = answers.ToLookup(a => a.Attempt);
        // A checkout's rows under its checkout id; a row without one (a flash-sale order on an item's stock, which
        // nothing should ever make) stands alone under its own id and so never matches an accepted basket.
        var rowsByCheckout = rows.ToLookup(r => r.CheckoutId ?? r.LineId);
        var rowsByKey = rows.ToLookup(r => (r.BuyerId, r.IdempotencyKey));

        long duplicates = 0, lost = 0, incomplete = 0, refused = 0, refusedPersisted = 0, repeatsSame = 0, repeatsRefused = 0, repeatsDiverged = 0, acceptedLines = 0;
        var acceptedUnits = items.ToDictionary(i => i, _ => 0L);
        var acknowledged = new HashSet<Guid>();
        foreach (var attempt in attempts)
        {
            var mine = byAttempt[attempt.Index].ToList();
            var ids = mine.Where(a => a.Kind == CheckoutAnswerKind.Accepted).Select(a => a.OrderId).Distinct().ToList();
            var refusals = mine.Count(a => a.Kind == CheckoutAnswerKind.Refused);
            var persisted = rowsByKey[(attempt.BuyerId, attempt.Key)].Select(r => r.CheckoutId ?? r.LineId).Distinct().ToList();
            // One key is one checkout: a second order id for it, answered or persisted, is a second order.
            duplicates += Math.Max(0, ids.Union(persisted).Count() - 1);
            if (attempt.SentTwice && mine.Count(a => a.Kind is CheckoutAnswerKind.Accepted or CheckoutAnswerKind.Refused) == 2)
            {
                repeatsSame += ids.Count == 1 && refusals == 0 ? 1 : 0;
                repeatsRefused += refusals == 2 ? 1 : 0;
                repeatsDiverged += ids.Count > 0 && refusals > 0 ? 1 : 0;
            }
            if (ids.Count == 0)
            {
                if (refusals > 0)
                {
                    refused++;
                    refusedPersisted += persisted.Count > 0 ? 1 : 0;
                }
                continue;
            }
            acknowledged.UnionWith(ids);
            acceptedLines += attempt.Lines.Count;
            foreach (var line in attempt.Lines)
            {
                acceptedUnits[line.ItemId] = acceptedUnits.GetValueOrDefault(line.ItemId) + line.Quantity;
            }
            var lines = rowsByCheckout[ids[0]].ToList();
            if (lines.Count == 0)
            {
                lost++;
                continue;
            }
            duplicates += Math.Max(0, lines.Count - attempt.Lines.Count);
            // More rows than lines are counted above as duplicates; fewer, or other items and quantities, is an incomplete order.
            incomplete += (lines.Count > attempt.Lines.Count || SameLines(attempt, lines)) ? 0 : 1;
        }
        // The same order id answered to two different keys.
        duplicates += answers.Where(a => a.Kind == CheckoutAnswerKind.Accepted).GroupBy(a => a.OrderId).Sum(g => g.Select(a => a.Attempt).Distinct().Count() - 1);

        var ledgerOf = ledgers.ToDictionary(l => l.StockId);
        var itemAudits = items.Select(item =>
        {
            var stockId = ItemStocks.StockId(item);
            var ledger = ledgerOf.GetValueOrDefault(stockId);
            return new ItemAudit
            {
                ItemId = item,
                StockId = stockId,
                Stock = stockPerItem,
                AcceptedUnits = acceptedUnits.GetValueOrDefault(item),
                LiveUnits = rows.Where(r => r.StockId == stockId && r.Live).Sum(r => (long)r.Quantity),
                LedgerInitial = ledger?.InitialQuantity,
                LedgerRemaining = ledger?.Remaining,
            };
        }).ToList();
        var checkouts = rowsByCheckout.Select(g => g.Key).ToList();
        return new CheckoutAuditResult
        {
            Items = itemAudits,
            Attempts = attempts.Count,
            AttemptsSentTwice = attempts.Count(a => a.SentTwice),
            AcceptedOrders = acknowledged.Count,
            RefusedBaskets = refused,
            AcceptedLines = acceptedLines,
            CheckoutsInDatabase = checkouts.Count,
            LinesInDatabase = rows.Count,
            RepeatsSameOrder = repeatsSame,
            RepeatsBothRefused = repeatsRefused,
            RepeatsDiverged = repeatsDiverged,
            Duplicates = duplicates,
            Lost = lost,
            Incomplete = incomplete,
            RefusedPersisted = refusedPersisted,
            Unacknowledged = checkouts.Count(id => !acknowledged.Contains(id)),
            Drained = drained,
            LastDurableAt = rows.Count == 0 ? null : rows.Max(r => r.ConfirmedAt),
            ObservedCompleteAt = observedCompleteAt,
        };
    }

    /// <summary>
    /// Whether every accepted order is in <paramref name="rows"/> with at least its basket's line count (the audit's
    /// wait ends then). <paramref name="attempts"/> are indexed by <see cref="CheckoutAttempt.Index"/>, as a plan's are.
    /// </summary>
    public static bool Complete(IReadOnlyList<CheckoutAttempt> attempts, IReadOnlyList<CheckoutAnswer> answers, IReadOnlyList<OrderLineRow> rows)
    {
        var lineCounts = rows.GroupBy(r => r.CheckoutId ?? r.LineId).ToDictionary(g => g.Key, g => g.Count());
        return answers.Where(a => a.Kind == CheckoutAnswerKind.Accepted).DistinctBy(a => a.OrderId)
            .All(a => lineCounts.GetValueOrDefault(a.OrderId) >= attempts[a.Attempt].Lines.Count);
    }

    /// <summary>The rows are exactly the basket: one per line, each the line's item stock and quantity, under the attempt's buyer and key.</summary>
    private static bool SameLines(CheckoutAttempt attempt, IReadOnlyList<OrderLineRow> rows) =>
        rows.Count == attempt.Lines.Count
        && rows.All(r => r.BuyerId == attempt.BuyerId && r.IdempotencyKey == attempt.Key)
        && rows.Select(r => (r.StockId, r.Quantity)).Order().SequenceEqual(attempt.Lines.Select(l => (ItemStocks.StockId(l.ItemId), l.Quantity)).Order());
}
