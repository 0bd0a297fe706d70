using System.Globalization;
using Microsoft.Extensions.Options;
using Shop.Ordering.Core.Checkout;
using StackExchange.Redis;

namespace Shop.Ordering.Core.Redis;

/// <summary>
/// The one caller of the gate's scripts: it owns their keys, their arguments (in the order each script's header
/// lists them) and the reading of their replies, so the API, the worker and the tests call a method instead of
/// building key and argument arrays. Ids go to the gate in the "N" format (no hyphens), times as unix ms or ISO 8601.
/// </summary>
public sealed class GateClient(IConnectionMultiplexer redis, IOptions<OrderingOptions> options, TimeProvider time)
{
    /// <summary>
    /// How long after its reservation an open order stops counting against the buyer's caps, beyond its payment
    /// timeout: the time to make it durable (a confirmed order's payment window starts at its confirmation, seconds
    /// after the reservation), with room to spare. Paid and cancelled orders leave at once (<see cref="CloseOpenOrderAsync"/>).
    /// </summary>
    public static readonly TimeSpan OpenOrderSlack = TimeSpan.FromMinutes(1);

    private readonly OrderingOptions _options = options.Value;
    private readonly long _orderTtlSeconds = (long)options.Value.ReservationRetention.TotalSeconds;
    private readonly string _softMemoryLimit = options.Value.GateSoftMemoryLimit.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Until when a flash sale's answers and holdings are kept in the gate: its end plus the retention (reserve.lua, the
    /// rebuild). Null for a stock without an end (an item's regular stock, which ends "infinity" in the ledger): kept as long as it is sold.
    /// </summary>
    public static DateTimeOffset? SaleStateKeptUntil(DateTimeOffset endsAt, OrderingOptions options) =>
        endsAt < DateTimeOffset.MaxValue - options.ReservationRetention ? endsAt + options.ReservationRetention : null;

    /// <summary>Whether the gate holds real state: <see cref="GateKeys.Ready"/> is set by the rebuild and lost with Redis's data.</summary>
    public Task<bool> IsReadyAsync() => redis.GetDatabase().KeyExistsAsync(GateKeys.Ready);

    /// <summary>Whether the gate holds a stock's state (a flash sale's or an item's).</summary>
    public Task<bool> HoldsStockAsync(Guid stockId) => redis.GetDatabase().KeyExistsAsync(GateKeys.Stock(stockId));

    /// <summary>
    /// The units each stock has available now, in the order asked (one pipelined round of reads); null for a stock
    /// the gate does not hold (not armed yet, or the gate being rebuilt), which is not the same as 0.
    /// </summary>
    public async Task<long?[]> AvailableStockAsync(IReadOnlyList<Guid> stockIds)
    {
        var database = redis.GetDatabase();
        var reads = stockIds.Select(id => database.HashGetAsync(GateKeys.Stock(id), "stock")).ToArray();
        await Task.WhenAll(reads).ConfigureAwait(false);
        return [.. reads.Select(read => read.Result.IsNull ? (long?)null : Math.Max(0, (long)read.Result))];
    }

    /// <summary>
    /// The buyer's reservations the gate accepted and the worker has not persisted yet (the buyer's pending set, then
    /// each order's hash in one pipelined round); an id in the set whose hash is gone or another buyer's is left out.
    /// </summary>
    public async Task<IReadOnlyList<GatePendingOrder>> PendingOrdersAsync(string buyerId)
    {
        var database = redis.GetDatabase();
        var ids = (await database.SetMembersAsync(GateKeys.BuyerPending(buyerId)).ConfigureAwait(false))
            .Select(member => Guid.TryParseExact((string?)member, "N", out var id) ? id : Guid.Empty)
            .Where(id => id != Guid.Empty)
            .ToList();
        if (ids.Count == 0)
        {
            return [];
        }
        var reads = ids.Select(id => database.HashGetAsync(GateKeys.Order(id), GatePendingOrder.Fields)).ToArray();
        await Task.WhenAll(reads).ConfigureAwait(false);
        return [.. ids.Zip(reads, (id, read) => GatePendingOrder.Parse(id, buyerId, read.Result)).OfType<GatePendingOrder>()];
    }

    /// <summary>What the gate's Redis uses and may use (<c>INFO memory</c>).</summary>
    public async Task<GateMemory> MemoryAsync() =>
        GateMemory.Parse((string?)await GateScripts.Memory.RunAsync(redis.GetDatabase(), [], []).ConfigureAwait(false) ?? "");

    /// <summary>A stock's figures as the gate holds them; null when it holds no such stock (not armed yet, or being rebuilt).</summary>
    public async Task<GateStockFigures?> StockFiguresAsync(Guid stockId) =>
        GateStockFigures.Parse(await redis.GetDatabase().HashGetAsync(GateKeys.Stock(stockId), GateStockFigures.Fields).ConfigureAwait(false));

    /// <summary>
    /// When the oldest reservation still in the stream (not yet settled into the ledger) was accepted, from its entry's
    /// id (Redis's time in ms); null when the stream is empty.
    /// </summary>
    public async Task<DateTimeOffset?> OldestReservationAsync()
    {
        var oldest = await redis.GetDatabase().StreamRangeAsync(GateKeys.Reservations, "-", "+", count: 1).ConfigureAwait(false);
        return oldest.Length > 0 && long.TryParse(((string)oldest[0].Id!).Split('-')[0], out var ms)
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : null;
    }

    /// <summary>
    /// The buy decision (reserve.lua), one round trip. An accepted reservation gets a new order id (version 7, so
    /// ids sort by acceptance) and its stream entry carries <paramref name="traceParent"/> ("" when not traced).
    /// </summary>
    public async Task<ReservationDecision> ReserveAsync(Guid saleId, string buyerId, string idempotencyKey, int quantity, string traceParent = "")
    {
        var now = time.GetUtcNow();
        var orderId = Guid.CreateVersion7(now);
        RedisKey[] keys =
        [
            GateKeys.Ready, GateKeys.Stock(saleId), GateKeys.Buyers(saleId), GateKeys.Answers(saleId),
            GateKeys.Reservations, GateKeys.Order(orderId), GateKeys.BuyerPending(buyerId), GateKeys.BuyerOpenOrders(buyerId),
            GateKeys.MemoryChecked,
        ];
        RedisValue[] values =
        [
            buyerId, idempotencyKey, quantity, now.ToUnixTimeMilliseconds(), orderId.ToString("N"), saleId.ToString("N"),
            now.ToString("O", CultureInfo.InvariantCulture), _orderTtlSeconds, traceParent,
            PaymentDeadline(now), _options.MaxOpenOrders, _options.MaxOpenUnits, _softMemoryLimit,
            (long)_options.ReservationRetention.TotalMilliseconds,
        ];
        var reply = (RedisResult[])(await GateScripts.Reserve.RunAsync(redis.GetDatabase(), keys, values).ConfigureAwait(false))!;
        return GateReplies.Reservation(reply);
    }

    /// <summary>"itemId:quantity" of each line in item order: what makes a repeated checkout key the same checkout.</summary>
    public static string CheckoutFingerprint(IEnumerable<CheckoutItem> lines) =>
        string.Join(',', lines.OrderBy(l => l.ItemId).Select(l => string.Create(CultureInfo.InvariantCulture, $"{l.ItemId}:{l.Quantity}")));

    /// <summary>
    /// A basket checkout (checkout.lua): every line against its item's stock, all or nothing, one round trip. Lines
    /// arrive validated (distinct items, quantities in bounds).
    /// </summary>
    public async Task<CheckoutDecision> CheckoutAsync(string buyerId, string idempotencyKey, IReadOnlyList<CheckoutItem> lines, string traceParent = "")
    {
        var now = time.GetUtcNow();
        var checkoutId = Guid.CreateVersion7(now);
        const int fixedKeys = 6, fixedValues = 12;
        var keys = new RedisKey[fixedKeys + lines.Count * 3];
        var values = new RedisValue[fixedValues + lines.Count * 4];
        (keys[0], keys[1], keys[2], keys[3], keys[4], keys[5]) = (GateKeys.Ready, GateKeys.BuyerCheckouts(buyerId), GateKeys.Reservations,
            GateKeys.BuyerPending(buyerId), GateKeys.BuyerOpenOrders(buyerId), GateKeys.MemoryChecked);
        (values[0], values[1], values[2], values[3], values[4], values[5], values[6]) =
            (buyerId, idempotencyKey, checkoutId.ToString("N"), now.ToString("O", CultureInfo.InvariantCulture), _orderTtlSeconds,
             CheckoutFingerprint(lines), traceParent);
        (values[7], values[8], values[9], values[10], values[11]) =
            (now.ToUnixTimeMilliseconds(), PaymentDeadline(now), _options.MaxOpenOrders, _options.MaxOpenUnits, _softMemoryLimit);
        for (var i = 0; i < lines.Count; i++)
        {
            var stockId = ItemStocks.StockId(lines[i].ItemId);
            var lineId = Guid.CreateVersion7(now);
            int k = fixedKeys + i * 3, v = fixedValues + i * 4;
            (keys[k], keys[k + 1], keys[k + 2]) = (GateKeys.Stock(stockId), GateKeys.Buyers(stockId), GateKeys.Order(lineId));
            (values[v], values[v + 1], values[v + 2], values[v + 3]) = (lineId.ToString("N"), stockId.ToString("N"), lines[i].ItemId, lines[i].Quantity);
        }
        var reply = (RedisResult[])(await GateScripts.Checkout.RunAsync(redis.GetDatabase(), keys, values).ConfigureAwait(false))!;
        return GateReplies.Checkout(reply, lines);
    }

    /// <summary>A stock's accepted keys, as reserve.lua keeps them: "buyerId|idempotencyKey" → "orderId|quantity".</summary>
    public Task<HashEntry[]> AcceptedAnswersAsync(Guid stockId) => redis.GetDatabase().HashGetAllAsync(GateKeys.Answers(stockId));

    /// <summary>
    /// Calls <paramref name="reopened"/> with a stock's id each time units come back to it (the scripts publish on
    /// <see cref="GateKeys.StockReopened"/>); a message that is not a stock id is ignored.
    /// </summary>
    public Task SubscribeToReopenedStocksAsync(Action<Guid> reopened) =>
        redis.GetSubscriber().SubscribeAsync(GateKeys.StockReopened, (_, message) =>
        {
            if (Guid.TryParseExact(message.ToString(), "N", out var stockId))
            {
                reopened(stockId);
            }
        });

    /// <summary>Gives an expired or cancelled order's units back (release.lua), once per order.</summary>
    public async Task<ReleaseOutcome> ReleaseAsync(Guid orderId, Guid stockId, string buyerId, int quantity)
    {
        var reply = await GateScripts.Release.RunAsync(redis.GetDatabase(),
            [GateKeys.Stock(stockId), GateKeys.Buyers(stockId), GateKeys.Order(orderId)],
            [orderId.ToString("N"), buyerId, quantity, _orderTtlSeconds]).ConfigureAwait(false);
        return GateReplies.Release(reply);
    }

    /// <summary>
    /// A paid or cancelled order (a flash-sale order's id, or a checkout's) stops counting against its buyer's caps. One
    /// command, no script: it only ever removes, and an order not (or no longer) there is no error.
    /// </summary>
    public Task CloseOpenOrderAsync(string buyerId, Guid orderId) =>
        redis.GetDatabase().HashDeleteAsync(GateKeys.BuyerOpenOrders(buyerId), orderId.ToString("N"));

    /// <summary>The buyer's open orders as the gate counts them (order or checkout id → units), those past their deadline left out.</summary>
    public async Task<IReadOnlyDictionary<Guid, int>> OpenOrdersAsync(string buyerId)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var entries = await redis.GetDatabase().HashGetAllAsync(GateKeys.BuyerOpenOrders(buyerId)).ConfigureAwait(false);
        return entries.Select(e => (Id: Guid.ParseExact((string)e.Name!, "N"), Open: OpenOrder.Parse(e.Value!)))
            .Where(e => e.Open.DeadlineMs > now)
            .ToDictionary(e => e.Id, e => e.Open.Units);
    }

    private long PaymentDeadline(DateTimeOffset now) => (now + _options.PaymentTimeout + OpenOrderSlack).ToUnixTimeMilliseconds();

    /// <summary>Arms or updates a stock from its ledger row (arm.lua); false when an equal or later version is armed already.</summary>
    public async Task<bool> ArmAsync(Guid stockId, GateStockDefinition stock)
    {
        var reply = await GateScripts.Arm.RunAsync(redis.GetDatabase(), [GateKeys.Ready, GateKeys.Stock(stockId)],
        [
            stock.Version, stock.Status, stock.Initial, stock.PerBuyerLimit, stock.StartsAt.ToUnixTimeMilliseconds(),
            stock.EndsAt.ToUnixTimeMilliseconds(), stock.Price, stock.LedgerRemaining,
        ]).ConfigureAwait(false);
        return (long)reply == 1;
    }

    /// <summary>Sets an item's free stock as the admin announced it at <paramref name="stockVersion"/> (restock.lua), once per version.</summary>
    public async Task<RestockReply> RestockAsync(Guid stockId, long stockVersion, int stock)
    {
        var reply = (RedisResult[])(await GateScripts.Restock.RunAsync(redis.GetDatabase(), [GateKeys.Stock(stockId)], [stockVersion, stock]).ConfigureAwait(false))!;
        return GateReplies.Restock(reply);
    }

    /// <summary>
    /// Settles stream entries whose orders the ledger has committed (settle.lua): acknowledged in
    /// <paramref name="group"/> and deleted, their units out of "pending". Once per entry, whoever calls it again.
    /// </summary>
    /// <returns>How many entries were settled now (the others were settled before).</returns>
    public async Task<long> SettleAsync(string group, IReadOnlyList<GateStreamEntry> entries)
    {
        if (entries.Count == 0)
        {
            return 0;
        }
        var orders = entries.Select(e => e.Reservation is { } r ? r.ToOrderRows().ToList() : []).ToList();
        var orderCount = orders.Sum(o => o.Count);
        var keys = new RedisKey[1 + orderCount * 3];
        var values = new RedisValue[2 + entries.Count * 2 + orderCount * 2];
        keys[0] = GateKeys.Reservations;
        (values[0], values[1]) = (group, entries.Count);
        int k = 1, a = 2 + entries.Count * 2;
        for (var e = 0; e < entries.Count; e++)
        {
            (values[2 + e * 2], values[3 + e * 2]) = (entries[e].Id, orders[e].Count);
            foreach (var order in orders[e])
            {
                (keys[k], keys[k + 1], keys[k + 2]) = (GateKeys.Order(order.OrderId), GateKeys.Stock(order.StockId), GateKeys.BuyerPending(order.BuyerId));
                (values[a], values[a + 1]) = (order.OrderId.ToString("N"), order.Quantity);
                k += 3;
                a += 2;
            }
        }
        return (long)await GateScripts.Settle.RunAsync(redis.GetDatabase(), keys, values).ConfigureAwait(false);
    }

    /// <summary>Parks a stream entry no worker can persist (park.lua), with the reason, for an operator.</summary>
    /// <returns>False when the entry was no longer pending in <paramref name="group"/> (parked or settled before).</returns>
    public async Task<bool> ParkAsync(string group, string entryId, string reason) =>
        (long)await GateScripts.Park.RunAsync(redis.GetDatabase(), [GateKeys.Reservations, GateKeys.ParkedReservations],
            [group, entryId, reason]).ConfigureAwait(false) == 1;
}
