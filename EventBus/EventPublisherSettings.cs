using System.Diagnostics;

namespace Shop.EventBus;

/// <summary>What differs between Shop's publishers; everything else about a message is the same for all.</summary>
/// <param name="AppId">The messages' <c>app_id</c>: the publishing service's resource name.</param>
/// <param name="Mandatory">
/// Whether the broker must route each message to a queue, returning it otherwise (the publish then throws
/// <c>PublishException</c> with <c>IsReturn</c>, and the caller keeps it to publish again). Catalog's events are:
/// Ordering must arm every sale, so an announcement made before Ordering's queue exists waits. Ordering's are not: they
/// are for whoever subscribes, and its subscriber resyncs besides.
/// </param>
/// <param name="Tracing">The service's own source: the publish spans carry its scope.</param>
/// <param name="SpanPrefix">The publish span's name is this and the routing key (e.g. <c>outbox publish catalog.item.changed</c>).</param>
public sealed record EventPublisherSettings(string AppId, bool Mandatory, ActivitySource Tracing, string SpanPrefix);
