using System.Diagnostics;
using RabbitMQ.Client;
using Shop.Ordering.Core.Messaging;

namespace Shop.Ordering.Worker.Reservations;

/// <summary>
/// One reservation as delivered by RabbitMQ, waiting to be persisted and then settled on the channel it came from.
/// <see cref="Reservation"/> is null for a message that cannot be a reservation (<see cref="Problem"/> says why).
/// <see cref="Trace"/> is the buyer's trace the message carried (default when it was not traced).
/// </summary>
public sealed record Delivery(IChannel Channel, ulong DeliveryTag, ReservationMessage? Reservation, string? MessageId, string? Problem,
    ActivityContext Trace = default);
