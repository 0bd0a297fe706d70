using StackExchange.Redis;

namespace Shop.Ordering.Core.Redis;

/// <summary>
/// The Redis keys of the gate. A stock (a flash sale's units, or a catalog item's regular stock: docs/checkout.md) has
/// four keys that share the hash tag <c>{stockId}</c>, so that they live in one slot should Redis ever be clustered
/// (one Lua script touches them together).
/// </summary>
public static class GateKeys
{
    /// <summary>
    /// Set when the gate holds real state and may take reservations; absent after Redis lost its data, or on a gate a
    /// version with other key names wrote, until the worker rebuilds it from the ledger (docs/ordering.md, "Upgrading to the stock names").
    /// </summary>
    public static readonly RedisKey Ready = "ordering:ready";

    /// <summary>The outbox of reservations: one stream entry per accepted reservation, read by the worker's consumer group.</summary>
    public static readonly RedisKey Reservations = "ordering:reservations";

    /// <summary>
    /// Stream: reservations no worker could persist (malformed, or refused by the ledger every time), parked by
    /// park.lua with the entry's id, the reason and its fields, for an operator.
    /// </summary>
    public static readonly RedisKey ParkedReservations = "ordering:reservations:parked";

    /// <summary>Hash: status, stock, pending, limit, starts, ends (unix ms), price, initial, version.</summary>
    public static RedisKey Stock(Guid stockId) => $"stock:{{{stockId:N}}}:meta";

    /// <summary>Hash: buyer id → units the buyer holds of the stock (a buyer holding none leaves it); a flash sale's kept until its end plus the retention.</summary>
    public static RedisKey Buyers(Guid stockId) => $"stock:{{{stockId:N}}}:buyers";

    /// <summary>Hash: "buyerId|idempotencyKey" → "orderId|quantity" of the accepted reservation; kept until the sale's end plus the retention.</summary>
    public static RedisKey Answers(Guid stockId) => $"stock:{{{stockId:N}}}:answers";

    /// <summary>
    /// Hash of one reservation: status (pending → confirmed), stockId, buyerId, quantity, unitPrice, reservedAt, idempotencyKey; a
    /// checkout's line also checkoutId and itemId; <c>released</c> once its units were given back (release.lua counts a release once by it).
    /// Expires after <see cref="OrderingOptions.ReservationRetention"/>.
    /// </summary>
    public static RedisKey Order(Guid orderId) => $"order:{orderId:N}";

    /// <summary>
    /// Pub/sub channel: a stock's id (N format) whenever units come back to it (release.lua, arm.lua, restock.lua), so that
    /// replicas stop answering "sold out" from memory. The scripts spell the name out; keep them in step.
    /// </summary>
    public static readonly RedisChannel StockReopened = RedisChannel.Literal("ordering:stock-reopened");

    /// <summary>Hash: a buyer's checkout Idempotency-Key → "checkoutId|fingerprint of its lines" (checkout.lua).</summary>
    public static RedisKey BuyerCheckouts(string buyerId) => $"buyer:{buyerId}:checkouts";

    /// <summary>
    /// Hash: the buyer's open orders, those neither paid nor closed (a flash-sale order's id, or a checkout's) → "units|payment
    /// deadline (unix ms)": what the per-buyer caps count (<see cref="OrderingOptions.MaxOpenOrders"/>). An order leaves it when it
    /// is paid or cancelled, or its deadline passed; the hash expires with its last deadline.
    /// </summary>
    public static RedisKey BuyerOpenOrders(string buyerId) => $"buyer:{buyerId}:open";

    /// <summary>String, set for a second after reserve.lua or checkout.lua found the gate below its soft memory limit (so INFO is read once a second).</summary>
    public static readonly RedisKey MemoryChecked = "ordering:memory-checked";

    /// <summary>Set: the buyer's reservations not yet durable (flash-sale orders and checkout lines).</summary>
    public static RedisKey BuyerPending(string buyerId) => $"buyer:{buyerId}:pending";
}
