namespace Shop.EventBus;

/// <summary>
/// An integration event ready for the wire, as an outbox row keeps it: its id (the message id), type, routing key,
/// JSON, the traceparent of the change it announces (null when untraced) and when it happened.
/// </summary>
public sealed record OutgoingEvent(Guid Id, string Type, string RoutingKey, string Payload, string? TraceParent, DateTimeOffset OccurredAt);
