using System.Text.Json;
using System.Text.Json.Serialization;

namespace Shop.Ordering.Core.Messaging;

/// <summary>
/// One accepted reservation on its way from the Redis stream to the worker (queue
/// <see cref="OrderingTopology.ReservationsQueue"/>). The message id is <see cref="OrderId"/>; a message may
/// arrive more than once and the worker inserts each order once.
/// </summary>
public sealed record ReservationMessage(
    Guid OrderId,
    Guid SaleId,
    string BuyerId,
    int Quantity,
    decimal UnitPrice,
    DateTimeOffset ReservedAt,
    string IdempotencyKey);

/// <summary>The queues of the buy pipeline.</summary>
public static class OrderingTopology
{
    /// <summary>Durable queue of reservations, fed by the relay, consumed by the worker.</summary>
    public const string ReservationsQueue = "ordering.reservations";

    /// <summary>Where a reservation goes after repeated failures (via the dead-letter exchange).</summary>
    public const string DeadLetterExchange = "ordering.dead-letter";

    public const string DeadLetterQueue = "ordering.reservations.dead";

    /// <summary>The worker's queue of catalog events (FlashSaleChanged), bound to the shop.events exchange.</summary>
    public const string CatalogEventsQueue = "ordering.catalog-events";
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ReservationMessage))]
public sealed partial class OrderingJsonContext : JsonSerializerContext;
