using Microsoft.AspNetCore.Http;

namespace Shop.ServiceDefaults.Health;

/// <summary>The probe contract every Shop service offers, in every environment.</summary>
public static class HealthEndpoints
{
    /// <summary>Readiness: every registered check, dependencies included. 503 when any is Unhealthy.</summary>
    public const string HealthPath = "/health";

    /// <summary>Liveness: only checks tagged <see cref="LiveTag"/>, so a dead database never restarts the process.</summary>
    public const string AlivePath = "/alive";

    /// <summary>Tag of the checks that say whether the process itself works (and so are part of <see cref="AlivePath"/>).</summary>
    public const string LiveTag = "live";

    /// <summary>
    /// The timeout of a check that sets none (the client integrations' checks set none): well under a probe's
    /// own timeout, so /health answers while a database does not.
    /// </summary>
    public static readonly TimeSpan DefaultCheckTimeout = TimeSpan.FromSeconds(5);

    internal static bool IsProbe(PathString path) => Matches(path, HealthPath) || Matches(path, AlivePath);

    // Routing matches "/health" and "/health/" alike, so the probe test does too.
    private static bool Matches(PathString path, string probe) =>
        path.StartsWithSegments(probe, StringComparison.OrdinalIgnoreCase, out var rest) && (!rest.HasValue || rest.Value == "/");
}
