using System.Globalization;
using System.Text;

namespace Shop.Bench.Checkout;

/// <summary>One line of a basket: an item and how many of it.</summary>
public sealed record BasketLine(int ItemId, int Quantity);

/// <summary>
/// One checkout attempt: its buyer, its Idempotency-Key, its lines and the request body they make (built once,
/// so that the generator's thread does no JSON work). <see cref="SentTwice"/>: a second request with the same key
/// and body follows the first (a double click or a retry).
/// </summary>
public sealed record CheckoutAttempt(int Index, int Buyer, string BuyerId, string Key, IReadOnlyList<BasketLine> Lines, byte[] Body, bool SentTwice)
{
    public int Units => Lines.Sum(l => l.Quantity);
}

/// <summary>How a run's baskets are drawn.</summary>
/// <param name="Requests">Requests the generator sends (first sends and repeats together).</param>
/// <param name="RepeatShare">The share of checkouts sent twice with the same key.</param>
/// <param name="FarGap">The latest a retry comes, in requests after the first send (the near half comes 1–4 requests later).</param>
public sealed record BasketPlanSettings(long Requests, IReadOnlyList<int> Items, string KeyPrefix, int MaxLines = 5, int MaxQuantity = 3,
    double RepeatShare = 0.1, int FarGap = 1_000, int Seed = 11);

/// <summary>
/// The requests of a checkout run, drawn up front and deterministic for a seed: request i is either a new
/// checkout attempt (a basket of 1–<see cref="BasketPlanSettings.MaxLines"/> distinct hot items, 1–
/// <see cref="BasketPlanSettings.MaxQuantity"/> units each, a new key) or the second send of an earlier attempt.
/// Half the second sends come 1–4 requests after the first — with the replicas addressed alternately, often on
/// the other replica while the first is still in flight: a double click — and half up to
/// <see cref="BasketPlanSettings.FarGap"/> requests later, after the first answer: a retry. A repeat due after the
/// last request is never sent, and its attempt counts as sent once.
/// </summary>
public sealed class BasketPlan
{
    private const int NearGap = 4;

    private readonly int[] _attemptOf;
    private readonly bool[] _isRepeat;

    private BasketPlan(IReadOnlyList<int> items, IReadOnlyList<CheckoutAttempt> attempts, int[] attemptOf, bool[] isRepeat)
    {
        Items = items;
        Attempts = attempts;
        _attemptOf = attemptOf;
        _isRepeat = isRepeat;
    }

    public IReadOnlyList<int> Items { get; }

    public IReadOnlyList<CheckoutAttempt> Attempts { get; }

    public long Requests => _attemptOf.Length;

    public int AttemptsSentTwice => Attempts.Count(a => a.SentTwice);

    /// <summary>The attempt request <paramref name="request"/> sends.</summary>
    public CheckoutAttempt AttemptOf(long request) => Attempts[_attemptOf[request]];

    /// <summary>Whether request <paramref name="request"/> is the second send of its attempt.</summary>
    public bool IsRepeat(long request) => _isRepeat[request];

    /// <summary>Units the baskets ask of each item (each attempt once, whatever its answer).</summary>
    public IReadOnlyDictionary<int, long> DemandPerItem() =>
        Items.ToDictionary(i => i, i => Attempts.SelectMany(a => a.Lines).Where(l => l.ItemId == i).Sum(l => (long)l.Quantity));

    /// <summary>
    /// A stock per item of <paramref name="share"/> of the mean demand per item: every item runs out before the
    /// run ends, so that baskets are refused (all or nothing) while others are still accepted.
    /// </summary>
    public int StockFor(double share)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(share);
        var demand = DemandPerItem().Values;
        return (int)Math.Max(1, Math.Ceiling(share * demand.Average()));
    }

    /// <param name="buyerOf">The buyer (an index into the buyer pool) of attempt number n.</param>
    /// <param name="buyerId">The user id of a buyer (the token's subject).</param>
    public static BasketPlan Create(BasketPlanSettings settings, Func<long, int> buyerOf, Func<int, string> buyerId)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(settings.Requests);
        ArgumentOutOfRangeException.ThrowIfZero(settings.Items.Count);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.MaxLines, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.MaxQuantity, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(settings.RepeatShare);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(settings.RepeatShare, 1);
        if (settings.Items.Distinct().Count() != settings.Items.Count)
        {
            throw new ArgumentException("The hot items must be distinct: a basket lists each item once.", nameof(settings));
        }
        var random = new Random(settings.Seed);
        var maxLines = Math.Min(settings.MaxLines, settings.Items.Count);
        var attemptOf = new int[settings.Requests];
        var isRepeat = new bool[settings.Requests];
        var drafts = new List<(int Buyer, BasketLine[] Lines)>();
        var sentTwice = new List<bool>();
        // Repeats waiting for their slot: attempt number, by the request index they are due at.
        var due = new PriorityQueue<int, long>();
        for (long request = 0; request < settings.Requests; request++)
        {
            if (due.TryPeek(out var waiting, out var slot) && slot <= request)
            {
                due.Dequeue();
                attemptOf[request] = waiting;
                isRepeat[request] = true;
                sentTwice[waiting] = true;
                continue;
            }
            var attempt = drafts.Count;
            drafts.Add((buyerOf(attempt), Basket(random, settings.Items, maxLines, settings.MaxQuantity)));
            sentTwice.Add(false);
            attemptOf[request] = attempt;
            if (random.NextDouble() < settings.RepeatShare)
            {
                var gap = random.Next(2) == 0 ? random.Next(1, NearGap + 1) : random.Next(NearGap + 1, Math.Max(NearGap + 1, settings.FarGap) + 1);
                due.Enqueue(attempt, request + gap);
            }
        }
        var attempts = drafts.Select((d, n) =>
        {
            var key = string.Create(CultureInfo.InvariantCulture, $"{settings.KeyPrefix}-{n}");
            return new CheckoutAttempt(n, d.Buyer, buyerId(d.Buyer), key, d.Lines, Body(d.Lines), sentTwice[n]);
        }).ToList();
        return new BasketPlan(settings.Items, attempts, attemptOf, isRepeat);
    }

    /// <summary>1–maxLines distinct items drawn from the hot ones, 1–maxQuantity units each, in item order.</summary>
    private static BasketLine[] Basket(Random random, IReadOnlyList<int> items, int maxLines, int maxQuantity)
    {
        var count = random.Next(1, maxLines + 1);
        var picked = items.ToArray();
        random.Shuffle(picked);
        return [.. picked.Take(count).Order().Select(item => new BasketLine(item, random.Next(1, maxQuantity + 1)))];
    }

    /// <summary>The body of POST /api/orders: <c>{"items":[{"itemId":n,"quantity":n},…]}</c>.</summary>
    public static byte[] Body(IEnumerable<BasketLine> lines) => Encoding.UTF8.GetBytes(
        "{\"items\":[" + string.Join(',', lines.Select(l => string.Create(CultureInfo.InvariantCulture, $"{{\"itemId\":{l.ItemId},\"quantity\":{l.Quantity}}}"))) + "]}");
}
