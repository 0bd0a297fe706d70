using Shop.Bench.Checkout;
using Shop.Ordering.Core;

namespace Shop.Bench.Tests;

/// <summary>The checkout audit on fabricated answers, rows and ledgers: each kind of fault is found, and a clean run is clean.</summary>
public sealed class CheckoutAuditTests
{
    private const int A = 900_001, B = 900_002;
    private const int Stock = 5;
    private static readonly int[] Items = [A, B];
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    // Attempt 0: A×2 + B×1, sent twice. Attempt 1: B×3. Attempt 2: A×3 + B×2, refused.
    private static readonly CheckoutAttempt[] Attempts =
    [
        Attempt(0, sentTwice: true, (A, 2), (B, 1)),
        Attempt(1, sentTwice: false, (B, 3)),
        Attempt(2, sentTwice: false, (A, 3), (B, 2)),
    ];

    private static readonly Guid Order0 = Guid.CreateVersion7(), Order1 = Guid.CreateVersion7();

    private static CheckoutAttempt Attempt(int index, bool sentTwice, params (int Item, int Quantity)[] lines)
    {
        var basket = lines.Select(l => new BasketLine(l.Item, l.Quantity)).ToList();
        return new CheckoutAttempt(index, index, $"buyer-{index}", $"k-{index}", basket, BasketPlan.Body(basket), sentTwice);
    }

    private static List<CheckoutAnswer> CleanAnswers() =>
    [
        new(0, 0, CheckoutAnswerKind.Accepted, Order0),
        new(1, 1, CheckoutAnswerKind.Accepted, Order1),
        new(2, 0, CheckoutAnswerKind.Accepted, Order0),
        new(3, 2, CheckoutAnswerKind.Refused, Guid.Empty),
    ];

    private static List<OrderLineRow> Rows(CheckoutAttempt attempt, Guid checkoutId, string status = "Confirmed", int second = 1) =>
        [.. attempt.Lines.Select(l => new OrderLineRow(Guid.CreateVersion7(), checkoutId, ItemStocks.StockId(l.ItemId), attempt.BuyerId, attempt.Key, l.Quantity, status, T0.AddSeconds(second)))];

    private static List<OrderLineRow> CleanRows() => [.. Rows(Attempts[0], Order0), .. Rows(Attempts[1], Order1, second: 2)];

    // A: 2 sold of 5; B: 1 + 3 = 4 sold of 5.
    private static List<ItemLedger> Ledgers(int remainingA = 3, int remainingB = 1) =>
        [new(ItemStocks.StockId(A), Stock, remainingA), new(ItemStocks.StockId(B), Stock, remainingB)];

    private static CheckoutAuditResult Audit(List<CheckoutAnswer>? answers = null, List<OrderLineRow>? rows = null, List<ItemLedger>? ledgers = null,
        IReadOnlyList<CheckoutAttempt>? attempts = null) =>
        CheckoutAudit.Evaluate(attempts ?? Attempts, answers ?? CleanAnswers(), Stock, Items, rows ?? CleanRows(), ledgers ?? Ledgers(), drained: true);

    [Fact]
    public void A_clean_run_is_clean_with_every_figure_counted()
    {
        var audit = Audit();

        Assert.True(audit.Clean);
        Assert.Equal(3, audit.Attempts);
        Assert.Equal(1, audit.AttemptsSentTwice);
        Assert.Equal(2, audit.AcceptedOrders);
        Assert.Equal(1, audit.RefusedBaskets);
        Assert.Equal(3, audit.AcceptedLines);
        Assert.Equal(2, audit.CheckoutsInDatabase);
        Assert.Equal(3, audit.LinesInDatabase);
        Assert.Equal(1, audit.RepeatsSameOrder);
        Assert.Equal((0L, 0L, 0L, 0L, 0L, 0L, 0L), (audit.Oversell, audit.Duplicates, audit.Lost, audit.Incomplete, audit.RefusedPersisted, audit.RepeatsDiverged, audit.Unacknowledged));
        Assert.Equal(T0.AddSeconds(2), audit.LastDurableAt);
        var a = audit.Items.Single(i => i.ItemId == A);
        var b = audit.Items.Single(i => i.ItemId == B);
        Assert.Equal((2L, 2L, true), (a.AcceptedUnits, a.LiveUnits, a.LedgerAgrees));
        Assert.Equal((4L, 4L, true), (b.AcceptedUnits, b.LiveUnits, b.LedgerAgrees));
    }

    [Fact]
    public void Units_beyond_an_items_stock_are_oversell()
    {
        // A third order nobody was told about takes B to 6 of 5.
        var extra = Attempt(1, false, (B, 2));
        var rows = CleanRows().Concat(Rows(extra with { Key = "k-x", BuyerId = "buyer-x" }, Guid.CreateVersion7())).ToList();

        var audit = Audit(rows: rows, ledgers: Ledgers(remainingB: 0));

        Assert.Equal(1, audit.Items.Single(i => i.ItemId == B).Oversell);
        Assert.Equal(1, audit.Oversell);
        Assert.Equal(1, audit.Unacknowledged);
        Assert.False(audit.Clean);
    }

    [Fact]
    public void A_ledger_that_does_not_match_stock_minus_live_units_disagrees()
    {
        var audit = Audit(ledgers: Ledgers(remainingA: 4));

        Assert.False(audit.Items.Single(i => i.ItemId == A).LedgerAgrees);
        Assert.True(audit.Items.Single(i => i.ItemId == B).LedgerAgrees);
        Assert.False(audit.LedgerAgrees);
        Assert.False(audit.Clean);
    }

    [Fact]
    public void A_missing_ledger_row_disagrees()
    {
        var audit = Audit(ledgers: [Ledgers()[0]]);

        Assert.Null(audit.Items.Single(i => i.ItemId == B).LedgerRemaining);
        Assert.False(audit.Clean);
    }

    [Fact]
    public void Expired_and_cancelled_lines_gave_their_units_back()
    {
        // Order 1 (B×3) expired: its units are back in the ledger, so B has 1 live unit and 4 remaining.
        var rows = Rows(Attempts[0], Order0).Concat(Rows(Attempts[1], Order1, status: "Expired")).ToList();

        var audit = Audit(rows: rows, ledgers: Ledgers(remainingB: 4));

        Assert.Equal(1, audit.Items.Single(i => i.ItemId == B).LiveUnits);
        Assert.True(audit.Clean);
        Assert.False(Audit(rows: rows).Clean);
    }

    [Fact]
    public void An_extra_row_for_a_checkout_is_a_duplicate()
    {
        var rows = CleanRows();
        rows.Add(rows[0] with { LineId = Guid.CreateVersion7() });

        var audit = Audit(rows: rows, ledgers: Ledgers(remainingA: 1));

        Assert.Equal(1, audit.Duplicates);
        Assert.Equal(0, audit.Incomplete);
        Assert.False(audit.Clean);
    }

    [Fact]
    public void A_repeated_key_answered_with_another_order_id_is_a_duplicate()
    {
        var answers = CleanAnswers();
        answers[2] = answers[2] with { OrderId = Guid.CreateVersion7() };

        var audit = Audit(answers);

        Assert.Equal(1, audit.Duplicates);
        Assert.Equal(0, audit.RepeatsSameOrder);
        Assert.False(audit.Clean);
    }

    [Fact]
    public void One_key_persisted_as_two_checkouts_is_a_duplicate()
    {
        var rows = CleanRows().Concat(Rows(Attempts[1], Guid.CreateVersion7())).ToList();

        var audit = Audit(rows: rows, ledgers: Ledgers(remainingB: -2));

        Assert.Equal(1, audit.Duplicates);
        Assert.False(audit.Clean);
    }

    [Fact]
    public void One_order_id_answered_to_two_keys_is_a_duplicate()
    {
        var answers = CleanAnswers();
        answers[1] = answers[1] with { OrderId = Order0 };

        var audit = Audit(answers, rows: Rows(Attempts[0], Order0), ledgers: Ledgers(remainingB: 4));

        Assert.True(audit.Duplicates >= 1);
        Assert.False(audit.Clean);
    }

    [Fact]
    public void An_accepted_order_without_rows_is_lost()
    {
        var audit = Audit(rows: Rows(Attempts[0], Order0), ledgers: Ledgers(remainingB: 4));

        Assert.Equal(1, audit.Lost);
        Assert.False(audit.Clean);
    }

    [Fact]
    public void An_order_missing_a_line_or_holding_other_quantities_is_incomplete()
    {
        var missing = CleanRows().Where(r => !(r.CheckoutId == Order0 && r.StockId == ItemStocks.StockId(B))).ToList();
        var wrong = CleanRows().Select(r => r.CheckoutId == Order0 && r.StockId == ItemStocks.StockId(A) ? r with { Quantity = 1 } : r).ToList();

        var first = Audit(rows: missing, ledgers: Ledgers(remainingB: 2));
        var second = Audit(rows: wrong, ledgers: Ledgers(remainingA: 4));

        Assert.Equal((1L, 0L), (first.Incomplete, first.Lost));
        Assert.Equal(1, second.Incomplete);
        Assert.False(first.Clean);
        Assert.False(second.Clean);
    }

    [Fact]
    public void Rows_for_a_refused_basket_are_found()
    {
        var rows = CleanRows().Concat(Rows(Attempts[2], Guid.CreateVersion7())).ToList();

        var audit = Audit(rows: rows, ledgers: Ledgers(remainingA: 0, remainingB: -1));

        Assert.Equal(1, audit.RefusedPersisted);
        Assert.False(audit.Clean);
    }

    [Fact]
    public void A_repeat_answered_202_once_and_409_once_diverged()
    {
        var answers = CleanAnswers();
        answers[2] = answers[2] with { Kind = CheckoutAnswerKind.Refused, OrderId = Guid.Empty };

        var audit = Audit(answers);

        Assert.Equal(1, audit.RepeatsDiverged);
        Assert.Equal(0, audit.RepeatsSameOrder);
        Assert.False(audit.Clean);
    }

    [Fact]
    public void A_refused_basket_sent_twice_and_refused_twice_is_a_consistent_repeat()
    {
        var attempts = Attempts.Select(a => a.Index == 2 ? a with { SentTwice = true } : a).ToList();
        var answers = CleanAnswers();
        answers.Add(new(4, 2, CheckoutAnswerKind.Refused, Guid.Empty));

        var audit = Audit(answers, attempts: attempts);

        Assert.Equal((2L, 1L, 1L, 0L), (audit.AttemptsSentTwice, audit.RepeatsSameOrder, audit.RepeatsBothRefused, audit.RepeatsDiverged));
        Assert.Equal(1, audit.RefusedBaskets);
        Assert.True(audit.Clean);
    }

    [Fact]
    public void A_checkout_whose_answer_was_lost_in_a_timeout_is_unacknowledged_but_not_a_fault()
    {
        var answers = CleanAnswers();
        answers[1] = answers[1] with { Kind = CheckoutAnswerKind.Error, OrderId = Guid.Empty };

        var audit = Audit(answers);

        Assert.Equal(1, audit.Unacknowledged);
        Assert.Equal(1, audit.AcceptedOrders);
        // The 202s claimed only order 0's units of B; the table holds order 1's too.
        Assert.Equal((1L, 4L), (audit.Items.Single(i => i.ItemId == B).AcceptedUnits, audit.Items.Single(i => i.ItemId == B).LiveUnits));
        Assert.True(audit.Clean);
    }

    [Fact]
    public void The_wait_is_over_only_when_every_accepted_order_has_all_its_lines()
    {
        var rows = CleanRows();

        Assert.True(CheckoutAudit.Complete(Attempts, CleanAnswers(), rows));
        Assert.False(CheckoutAudit.Complete(Attempts, CleanAnswers(), rows.Skip(1).ToList()));
        Assert.False(CheckoutAudit.Complete(Attempts, CleanAnswers(), []));
    }
}
