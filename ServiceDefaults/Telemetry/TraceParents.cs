using System.Diagnostics;
using System.Text;

namespace Shop.ServiceDefaults.Telemetry;

/// <summary>
/// W3C trace context across the hops that no instrumentation carries by itself: the buy's Redis stream entry
/// (written by the reserve and checkout scripts, read by the worker), Catalog's outbox row, and the RabbitMQ message
/// header (the outbox's). Only a recorded (sampled) trace is carried: an unsampled buy costs nothing extra.
/// </summary>
public static class TraceParents
{
    /// <summary>The message header (and stream field) name, as W3C Trace Context spells it.</summary>
    public const string Header = "traceparent";

    /// <summary>The current activity's traceparent, or "" when the request is not traced.</summary>
    public static string Current() => Activity.Current is { Recorded: true } activity && activity.IdFormat == ActivityIdFormat.W3C ? activity.Id! : "";

    /// <summary>
    /// The trace context a RabbitMQ message's <see cref="Header"/> names (the client hands header strings over as
    /// bytes), or default when it has none.
    /// </summary>
    public static ActivityContext FromHeaders(IDictionary<string, object?>? headers) =>
        headers?.TryGetValue(Header, out var value) == true
            ? Parse(value switch { byte[] bytes => Encoding.ASCII.GetString(bytes), string text => text, _ => null })
            : default;

    public static ActivityContext Parse(string? traceParent) =>
        !string.IsNullOrEmpty(traceParent) && ActivityContext.TryParse(traceParent, null, isRemote: true, out var context) ? context : default;
}
