namespace Shop.Hosting.Dashboard;

/// <summary>
/// Where the dashboard of this AppHost listens, once it has started: the configured port may be 0, so the
/// real address is known only after Kestrel binds. <see cref="Url"/> stays null when the dashboard is off.
/// </summary>
public sealed class DashboardEndpoint
{
    private volatile string? _url;

    /// <summary>The dashboard's address, e.g. <c>http://127.0.0.1:18888</c>; null until it listens.</summary>
    public string? Url => _url;

    internal void Publish(string? url) => _url = url;
}
