namespace Shop.ServiceDefaults.Telemetry;

/// <summary>
/// The framework's and libraries' own instrumentation names. .NET 8+ ASP.NET Core, HttpClient, the runtime,
/// Npgsql and RabbitMQ.Client 7 emit metrics and activities natively, so listening to these names replaces the
/// OpenTelemetry.Instrumentation.* packages that the feed does not have.
/// </summary>
internal static class TelemetrySources
{
    /// <summary>Meter names (<c>System.Diagnostics.Metrics</c>).</summary>
    public static readonly IReadOnlyList<string> Meters =
    [
        "Microsoft.AspNetCore.Hosting",          // http.server.request.duration, active requests
        "Microsoft.AspNetCore.Server.Kestrel",   // connections, TLS handshakes, queued requests
        "Microsoft.AspNetCore.Routing",          // route match attempts
        "Microsoft.AspNetCore.Diagnostics",      // handled exceptions
        "Microsoft.AspNetCore.RateLimiting",     // leases, queued and rejected requests
        "Microsoft.AspNetCore.Components*",      // Blazor circuits and rendering (.NET 10)
        "System.Net.Http",                       // http.client.request.duration, open connections
        "System.Net.NameResolution",             // dns.lookup.duration
        "System.Runtime",                        // GC, thread pool, CPU, memory (.NET 9+)
        "Npgsql",                                // pool usage, command durations
        "RabbitMQ.Client",
        "RabbitMQ.Client.*",
    ];

    /// <summary>Activity source names (<c>System.Diagnostics.ActivitySource</c>).</summary>
    public static readonly IReadOnlyList<string> ActivitySources =
    [
        "Microsoft.AspNetCore",                  // the server span of each request (HttpRequestIn)
        "Microsoft.AspNetCore.Components*",      // Blazor circuit and render spans (.NET 10)
        "System.Net.Http",                       // the client span of each outgoing request
        "System.Net.NameResolution",
        "Npgsql",                                // one span per command
        "RabbitMQ.Client",
        "RabbitMQ.Client.*",                     // RabbitMQ.Client.Publisher / .Subscriber
    ];
}
