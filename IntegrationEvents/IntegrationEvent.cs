namespace Shop.IntegrationEvents;

/// <summary>
/// Something that happened in one service that others act on. <see cref="EventId"/> is also the RabbitMQ
/// <c>message_id</c>: subscribers may receive an event more than once and must treat repeats as no-ops.
/// </summary>
public abstract record IntegrationEvent
{
    public Guid EventId { get; init; } = Guid.NewGuid();

    public DateTimeOffset OccurredAt { get; init; } = DateTimeOffset.UtcNow;
}
