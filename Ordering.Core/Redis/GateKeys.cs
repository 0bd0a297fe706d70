using StackExchange.Redis;

namespace Shop.Ordering.Core.Redis;

/// <summary>
/// The Redis keys of the flash-sale gate. A sale's keys share the hash tag <c>{saleId}</c> so that they live in
/// one slot should Redis ever be clustered (one Lua script touches them together).
/// </summary>
public static class GateKeys
{
    /// <summary>Set when the gate holds real state; absent after Redis lost its data, until the worker rebuilds it.</summary>
    public static readonly RedisKey Alive = "ordering:alive";

    /// <summary>The outbox of reservations: one stream entry per accepted reservation, read by the worker's consumer group.</summary>
    public static readonly RedisKey Reservations = "ordering:reservations";

    /// <summary>
    /// Stream: reservations no worker could persist (malformed, or refused by the ledger every time), parked by
    /// park.lua with the entry's id, the reason and its fields, for an operator.
    /// </summary>
    public static readonly RedisKey ParkedReservations = "ordering:reservations:parked";

    /// <summary>Hash: status, stock, pending, limit, starts, ends (unix ms), price, initial, version.</summary>
    public static RedisKey Sale(Guid saleId) => $"sale:{{{saleId:N}}}:meta";

    /// <summary>Hash: buyer id → units the buyer holds in the sale.</summary>
    public static RedisKey Buyers(Guid saleId) => $"sale:{{{saleId:N}}}:buyers";

    /// <summary>Hash: "buyerId|idempotencyKey" → "orderId|quantity" of the accepted reservation.</summary>
    public static RedisKey Answers(Guid saleId) => $"sale:{{{saleId:N}}}:answers";

    /// <summary>Set: order ids whose units were given back (makes a release count once).</summary>
    public static RedisKey Released(Guid saleId) => $"sale:{{{saleId:N}}}:released";

    /// <summary>Hash of one reservation: status (pending → confirmed), saleId, buyerId, quantity, unitPrice, reservedAt, idempotencyKey; a checkout's line also checkoutId and itemId.</summary>
    public static RedisKey Order(Guid orderId) => $"order:{orderId:N}";

    /// <summary>
    /// Pub/sub channel: a sale's id (N format) whenever units come back to it (release.lua, arm.lua), so that
    /// replicas stop answering "sold out" from memory. The scripts spell the name out; keep them in step.
    /// </summary>
    public static readonly RedisChannel SaleReopened = RedisChannel.Literal("ordering:sale-reopened");

    /// <summary>Hash: a buyer's checkout Idempotency-Key → "checkoutId|fingerprint of its lines" (checkout.lua).</summary>
    public static RedisKey BuyerCheckouts(string buyerId) => $"buyer:{buyerId}:checkouts";

    /// <summary>Set: the buyer's reservations not yet durable (flash-sale orders and checkout lines).</summary>
    public static RedisKey BuyerPending(string buyerId) => $"buyer:{buyerId}:pending";
}
