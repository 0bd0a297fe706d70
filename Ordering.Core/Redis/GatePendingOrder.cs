using System.Globalization;
using StackExchange.Redis;

namespace Shop.Ordering.Core.Redis;

/// <summary>
/// A reservation the gate accepted and the worker has not persisted yet, as its order hash holds it (reserve.lua and
/// checkout.lua write it): what "My orders" shows before the ledger has the order. Read by
/// <see cref="GateClient.PendingOrdersAsync"/>.
/// </summary>
/// <param name="CheckoutId">The checkout a line belongs to; null for a flash-sale order.</param>
/// <param name="Status">The gate's status of the order (<c>pending</c> until the worker settles it).</param>
public sealed record GatePendingOrder(Guid OrderId, Guid? CheckoutId, Guid StockId, int Quantity, decimal UnitPrice, DateTimeOffset ReservedAt, string Status)
{
    /// <summary>The order hash's fields read, in <see cref="Parse"/>'s order.</summary>
    public static readonly RedisValue[] Fields = ["buyerId", "stockId", "quantity", "unitPrice", "reservedAt", "status", "checkoutId"];

    /// <summary>
    /// The order from the values of <see cref="Fields"/>; null when the hash is gone (settled and expired since the
    /// buyer's set was read) or belongs to another buyer (a buyer sees only their own orders).
    /// </summary>
    public static GatePendingOrder? Parse(Guid orderId, string buyerId, RedisValue[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length != Fields.Length)
        {
            throw new ArgumentException($"Expected the {Fields.Length} values of {nameof(Fields)}, got {values.Length}.", nameof(values));
        }
        if (values[0].IsNull || (string)values[0]! != buyerId)
        {
            return null;
        }
        return new GatePendingOrder(orderId, values[6].IsNull ? null : Guid.ParseExact((string)values[6]!, "N"), Guid.ParseExact((string)values[1]!, "N"),
            (int)values[2], decimal.Parse((string)values[3]!, CultureInfo.InvariantCulture),
            DateTimeOffset.Parse((string)values[4]!, CultureInfo.InvariantCulture), (string?)values[5] ?? OrderStatus.Pending);
    }
}
