namespace Shop.Catalog.Data;

/// <summary>
/// An integration event waiting to be published (transactional outbox): written in the same transaction as the
/// change it announces, published by <see cref="Messaging.OutboxPublisher"/>, marked sent after the broker's confirm.
/// </summary>
public sealed class OutboxMessage
{
    /// <summary>The event id, also the message id on the wire.</summary>
    public Guid Id { get; set; }

    /// <summary>The event type name (the message's <c>type</c> property).</summary>
    public required string Type { get; set; }

    public required string RoutingKey { get; set; }

    /// <summary>The serialized event, exactly as it goes on the wire.</summary>
    public required string Payload { get; set; }

    public DateTimeOffset OccurredAt { get; set; }

    /// <summary>When the broker confirmed it; null while pending.</summary>
    public DateTimeOffset? SentAt { get; set; }

    public int Attempts { get; set; }

    /// <summary>Not published again before this time (back-off after a failure).</summary>
    public DateTimeOffset NextAttemptAt { get; set; }

    public string? LastError { get; set; }

    /// <summary>
    /// The W3C traceparent of the request that made the change (null when it was not traced, e.g. seeding): the
    /// publish span continues that trace, and the message carries it on to the subscriber.
    /// </summary>
    public string? TraceParent { get; set; }
}
