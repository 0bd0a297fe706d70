namespace Shop.ServiceDefaults.Telemetry;

/// <summary>
/// Which <see cref="System.Diagnostics.ActivitySource"/>s and <see cref="System.Diagnostics.Metrics.Meter"/>s the
/// service listens to beyond the framework's own. Filled through
/// <c>builder.AddShopTelemetrySource("Shop.Ordering")</c> rather than configuration, because the names belong
/// to the code that creates the sources, not to the deployment.
/// </summary>
public sealed class ShopTelemetryOptions
{
    /// <summary>Names (wildcards allowed, e.g. <c>Shop.*</c>) listened to as both activity sources and meters.</summary>
    public IList<string> Sources { get; } = [];

    /// <summary>
    /// Names removed from the listened set, even framework ones: a client integration with
    /// <c>DisableTracing</c> puts its library's source here.
    /// </summary>
    public ISet<string> ExcludedSources { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
}
