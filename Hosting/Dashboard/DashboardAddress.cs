using System.Net;

namespace Shop.Hosting.Dashboard;

/// <summary>
/// Turns <see cref="HostingOptions.DashboardUrl"/> into the socket Kestrel binds. The dashboard shows every
/// resource's environment and can restart processes, so it listens on the loopback interface only.
/// </summary>
internal static class DashboardAddress
{
    public static IPEndPoint Parse(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
        {
            throw Invalid(url, "it is not an http:// URL");
        }
        IPAddress address;
        if (string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            // One address, not both IPv4 and IPv6: with port 0 the two would get different ports.
            address = IPAddress.Loopback;
        }
        else if (!IPAddress.TryParse(uri.Host, out address!) || !IPAddress.IsLoopback(address))
        {
            throw Invalid(url, "the dashboard listens on this machine only (localhost, 127.0.0.1 or [::1])");
        }
        return new IPEndPoint(address, uri.Port);
    }

    private static DistributedApplicationException Invalid(string url, string reason) =>
        new($"Hosting:DashboardUrl '{url}' is not usable: {reason}. Example: --Hosting:DashboardUrl=http://localhost:18888 (port 0 picks a free port).");
}
