using System.Text.Json;
using Shop.Bench.Checkout;

namespace Shop.Bench.Tests;

public sealed class BasketPlanTests
{
    private static readonly int[] HotItems = [900_001, 900_002, 900_003, 900_004, 900_005, 900_006];

    private static BasketPlan Plan(long requests = 5_000, double repeatShare = 0.1, int seed = 11, IReadOnlyList<int>? items = null, int farGap = 500) =>
        BasketPlan.Create(new BasketPlanSettings(requests, items ?? HotItems, "k900001", RepeatShare: repeatShare, FarGap: farGap, Seed: seed),
            n => (int)(n % 997), b => $"buyer-{b}");

    [Fact]
    public void Every_basket_has_one_to_five_distinct_hot_items_of_one_to_three_units_and_every_size_occurs()
    {
        var plan = Plan();

        foreach (var attempt in plan.Attempts)
        {
            Assert.InRange(attempt.Lines.Count, 1, 5);
            Assert.All(attempt.Lines, l => Assert.Contains(l.ItemId, HotItems));
            Assert.All(attempt.Lines, l => Assert.InRange(l.Quantity, 1, 3));
            Assert.Equal(attempt.Lines.Count, attempt.Lines.Select(l => l.ItemId).Distinct().Count());
        }
        Assert.Equal(new[] { 1, 2, 3, 4, 5 }, plan.Attempts.Select(a => a.Lines.Count).Distinct().Order());
        Assert.Equal(new[] { 1, 2, 3 }, plan.Attempts.SelectMany(a => a.Lines).Select(l => l.Quantity).Distinct().Order());
        Assert.Equal(HotItems, plan.Attempts.SelectMany(a => a.Lines).Select(l => l.ItemId).Distinct().Order());
    }

    [Fact]
    public void With_fewer_hot_items_than_five_a_basket_never_lists_an_item_twice()
    {
        var plan = Plan(items: [900_001, 900_002, 900_003]);

        Assert.All(plan.Attempts, a => Assert.InRange(a.Lines.Count, 1, 3));
        Assert.Contains(plan.Attempts, a => a.Lines.Count == 3);
    }

    [Fact]
    public void The_body_is_the_checkout_request_of_exactly_the_baskets_lines()
    {
        foreach (var attempt in Plan(requests: 300).Attempts)
        {
            using var body = JsonDocument.Parse(attempt.Body);
            var lines = body.RootElement.GetProperty("items").EnumerateArray()
                .Select(l => new BasketLine(l.GetProperty("itemId").GetInt32(), l.GetProperty("quantity").GetInt32())).ToList();
            Assert.Equal(attempt.Lines, lines);
        }
    }

    [Fact]
    public void Keys_are_unique_valid_idempotency_keys_and_buyers_come_from_the_pool_by_attempt()
    {
        var plan = Plan();

        Assert.Equal(plan.Attempts.Count, plan.Attempts.Select(a => a.Key).Distinct().Count());
        Assert.All(plan.Attempts, a => Assert.Matches("^[A-Za-z0-9_.:-]{1,64}$", a.Key));
        Assert.All(plan.Attempts, a => Assert.Equal(a.Index % 997, a.Buyer));
        Assert.All(plan.Attempts, a => Assert.Equal($"buyer-{a.Buyer}", a.BuyerId));
    }

    [Fact]
    public void A_share_of_baskets_is_sent_twice_after_its_first_send_some_at_once_some_later_and_none_more_than_twice()
    {
        var plan = Plan(requests: 20_000, repeatShare: 0.1);

        var sends = new Dictionary<int, List<long>>();
        for (var request = 0L; request < plan.Requests; request++)
        {
            var attempt = plan.AttemptOf(request).Index;
            (sends.TryGetValue(attempt, out var list) ? list : sends[attempt] = []).Add(request);
        }
        // Every request belongs to an attempt, and the repeats fill exactly the slots the first sends leave.
        Assert.Equal(plan.Attempts.Count, sends.Count);
        Assert.Equal(plan.Requests, plan.Attempts.Count + plan.AttemptsSentTwice);
        Assert.All(sends, s => Assert.Equal(plan.Attempts[s.Key].SentTwice ? 2 : 1, s.Value.Count));
        foreach (var (attempt, requests) in sends.Where(s => s.Value.Count == 2))
        {
            Assert.False(plan.IsRepeat(requests[0]));
            Assert.True(plan.IsRepeat(requests[1]));
        }
        Assert.Equal(plan.AttemptsSentTwice, Enumerable.Range(0, (int)plan.Requests).Count(r => plan.IsRepeat(r)));
        var share = plan.AttemptsSentTwice / (double)plan.Attempts.Count;
        Assert.InRange(share, 0.08, 0.12);
        var gaps = sends.Values.Where(v => v.Count == 2).Select(v => v[1] - v[0]).ToList();
        Assert.Contains(gaps, g => g <= 4);
        Assert.Contains(gaps, g => g > 100);
        Assert.All(gaps, g => Assert.InRange(g, 1, 500 + 20));
    }

    [Fact]
    public void No_repeats_when_the_share_is_zero()
    {
        var plan = Plan(repeatShare: 0);

        Assert.Equal(0, plan.AttemptsSentTwice);
        Assert.Equal(plan.Requests, plan.Attempts.Count);
    }

    [Fact]
    public void The_same_seed_draws_the_same_plan_and_another_seed_another()
    {
        var a = Plan(seed: 3);
        var b = Plan(seed: 3);
        var c = Plan(seed: 4);

        Assert.Equal(a.Attempts.Select(x => x.Body), b.Attempts.Select(x => x.Body));
        Assert.NotEqual(a.Attempts.Select(x => Convert.ToBase64String(x.Body)), c.Attempts.Select(x => Convert.ToBase64String(x.Body)));
    }

    [Fact]
    public void The_stock_is_the_share_of_the_mean_demand_per_item_so_items_run_short()
    {
        var plan = Plan();
        var demand = plan.DemandPerItem();

        Assert.Equal(HotItems, demand.Keys.Order());
        Assert.Equal(plan.Attempts.Sum(a => (long)a.Units), demand.Values.Sum());
        var stock = plan.StockFor(0.6);
        Assert.Equal((int)Math.Ceiling(0.6 * demand.Values.Average()), stock);
        Assert.All(demand.Values, d => Assert.True(d > stock, $"demand {d} should exceed stock {stock}"));
    }

    [Fact]
    public void Items_listed_twice_are_refused()
    {
        Assert.Throws<ArgumentException>(() => Plan(items: [900_001, 900_001, 900_002]));
    }
}
