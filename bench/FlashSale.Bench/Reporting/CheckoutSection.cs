using System.Globalization;
using System.Text;

namespace Shop.Bench.Reporting;

/// <summary>The report's checkout section: rates and durability, the audit per checkout, and each hot item's stock against its orders and ledger.</summary>
public static class CheckoutSection
{
    public static string Render(IReadOnlyList<ScenarioResult> checkouts)
    {
        var md = new StringBuilder();
        void Line(string text = "") => md.Append(text).Append('\n');
        string F(double value, string format = "N0") => value.ToString(format, CultureInfo.InvariantCulture);
        string Ms(double? value) => value is { } v ? (v < 10 ? F(v, "N2") : v < 100 ? F(v, "N1") : F(v)) + " ms" : "—";
        string Yes(bool value) => value ? "yes" : "**no**";

        Line("## Checkout: baskets, durability, audit");
        Line();
        Line("| scenario | items × stock | baskets | sent twice | lines/basket | checkouts decided/s | accepted orders/s | answers/s (202 + 409) | p50 | p99 | last 202 after | all durable after | durable after the last 202 |");
        Line("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var s in checkouts)
        {
            var c = s.Checkout!;
            Line($"| {s.Name} | {c.ItemIds.Count} × {F(c.StockPerItem)} | {F(c.Audit.Attempts)} | {F(c.Audit.AttemptsSentTwice)} | {F(c.MeanLines, "N2")} | "
                + $"{F(c.CheckoutsDecidedPerSecond)} | {F(c.OrdersPerSecond)} | {F(s.DecisionRate)} | {Ms(s.All.P50Ms)} | {Ms(s.All.P99Ms)} | "
                + $"{Ms(c.TimeToLastAcceptMs)} | {Ms(c.TimeToDurableMs)} | {Ms(c.DurableAfterLastAcceptMs)} |");
        }
        Line();
        Line("| scenario | accepted orders | refused baskets | lines accepted | checkouts in db | lines in db | oversell | duplicates | lost | incomplete | refused but persisted | repeats: same order | repeats: both 409 | repeats: 202 and 409 | unacknowledged | ledgers agree |");
        Line("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var s in checkouts)
        {
            var a = s.Checkout!.Audit;
            Line($"| {s.Name} | {F(a.AcceptedOrders)} | {F(a.RefusedBaskets)} | {F(a.AcceptedLines)} | {F(a.CheckoutsInDatabase)} | {F(a.LinesInDatabase)} | {a.Oversell} | {a.Duplicates} | "
                + $"{a.Lost} | {a.Incomplete} | {a.RefusedPersisted} | {F(a.RepeatsSameOrder)} of {F(a.AttemptsSentTwice)} | {F(a.RepeatsBothRefused)} | {a.RepeatsDiverged} | {a.Unacknowledged} | "
                + $"{Yes(a.LedgerAgrees)}{(a.Drained ? "" : " (not drained before the deadline)")} |");
        }
        Line();
        Line("| scenario | item | stock | units in 202s | units in live lines | ledger initial | ledger remaining | oversell | ledger agrees |");
        Line("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var s in checkouts)
        {
            foreach (var i in s.Checkout!.Audit.Items)
            {
                Line($"| {s.Name} | {i.ItemId} | {F(i.Stock)} | {F(i.AcceptedUnits)} | {F(i.LiveUnits)} | {(i.LedgerInitial is { } n ? F(n) : "—")} | "
                    + $"{(i.LedgerRemaining is { } r ? F(r) : "—")} | {i.Oversell} | {Yes(i.LedgerAgrees)} |");
            }
        }
        Line();
        Line("Checkouts decided/s = distinct baskets answered 202 or 409 (a repeat counted once) ÷ the span from the first intended send to the last answer; "
            + "accepted orders/s = distinct order ids in 202s ÷ the same span. A checkout is one `orders` row per line (`checkout_id` = the order id, `stock_id` = the item's stock id). "
            + "Oversell = live line units of an item (Confirmed or Paid) beyond its stock; ledger agrees = its `stocks` row (kind 'Item') holds the stock and remaining = stock − live units; "
            + "duplicates = an order id answered to two keys, two order ids for one key, or more rows than the basket's lines; lost = a 202's order with no row once the pipeline drained; "
            + "incomplete = fewer rows than lines, or other items or quantities; refused but persisted = rows for a key that only got 409s; "
            + "repeats = baskets sent twice with the same key, both answered (both 202 with the same id, both 409, or a 202 and a 409, which must not happen: the stock never grows during the run); "
            + "unacknowledged = a checkout in the table whose key got no 202 (e.g. an answer cut off at the drain timeout).");
        Line();
        return md.ToString();
    }
}
