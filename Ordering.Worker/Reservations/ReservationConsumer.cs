using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using Shop.Ordering.Core.Messaging;
using Shop.ServiceDefaults.Telemetry;
using Shop.Ordering.Worker.Infrastructure;
using Shop.Ordering.Worker.Messaging;

namespace Shop.Ordering.Worker.Reservations;

/// <summary>
/// Consumes <c>ordering.reservations</c> with a prefetch window and only parses: each delivery goes to the
/// <see cref="ReservationBuffer"/>, and the batch loop persists and settles it. Nothing is acknowledged here.
/// </summary>
public sealed class ReservationConsumer(
    IConnection connection,
    StartupGate gate,
    ConsumerReadiness readiness,
    ReservationBuffer buffer,
    IOptions<WorkerOptions> options,
    ILogger<ReservationConsumer> logger) : ConsumerService(connection, gate, readiness, options.Value, logger)
{
    protected override string QueueName => OrderingTopology.ReservationsQueue;

    protected override ushort Prefetch => (ushort)Options.Prefetch;

    // The relay declares the same queue with the same code (a different argument would be refused by RabbitMQ).
    protected override Task DeclareTopologyAsync(IChannel channel, CancellationToken cancellationToken) =>
        OrderingQueues.DeclareReservationsAsync(channel, cancellationToken);

    protected override Task OnDeliveryAsync(IChannel channel, BasicDeliverEventArgs delivery, CancellationToken cancellationToken)
    {
        var (reservation, problem) = ReservationParser.Parse(delivery.Body.Span);
        buffer.Add(new Delivery(channel, delivery.DeliveryTag, reservation, delivery.BasicProperties.MessageId, problem,
            // The relay's span, so that persisting it continues the buyer's trace.
            TraceParents.FromHeaders(delivery.BasicProperties.Headers)));
        return Task.CompletedTask;
    }
}
