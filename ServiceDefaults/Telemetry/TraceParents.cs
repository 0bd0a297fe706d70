using System.Diagnostics;

namespace Shop.ServiceDefaults.Telemetry;

/// <summary>
/// W3C trace context across the hops that no instrumentation carries by itself: the buy's Redis stream entry
/// (written by the reserve and checkout scripts, read by the worker), the outbox rows, and the RabbitMQ message
/// header (written and read by Shop.EventBus's <c>MessageTracing</c>, which has the RabbitMQ dependency this library
/// has not). Only a recorded (sampled) trace is carried: an unsampled buy costs nothing extra.
/// </summary>
public static class TraceParents
{
    /// <summary>The message header (and stream field) name, as W3C Trace Context spells it.</summary>
    public const string Header = "traceparent";

    /// <summary>The current activity's traceparent, or "" when the request is not traced.</summary>
    public static string Current() => Activity.Current is { Recorded: true } activity && activity.IdFormat == ActivityIdFormat.W3C ? activity.Id! : "";

    /// <summary>The context <paramref name="traceParent"/> names, or default when it is empty or not a traceparent.</summary>
    public static ActivityContext Parse(string? traceParent) =>
        !string.IsNullOrEmpty(traceParent) && ActivityContext.TryParse(traceParent, null, isRemote: true, out var context) ? context : default;
}
