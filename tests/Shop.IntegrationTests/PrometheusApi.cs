using System.Text.Json;

namespace Shop.IntegrationTests;

/// <summary>What the running Prometheus and Alertmanager say about targets and alerts (their HTTP APIs).</summary>
internal static class PrometheusApi
{
    public sealed record Target(string Service, string Instance, string ScrapeUrl, string Health, string LastError);

    public sealed record Alert(IReadOnlyDictionary<string, string> Labels, string State, IReadOnlyList<string> Receivers);

    /// <summary>Prometheus's <c>/api/v1/targets</c>: the active targets of the shop job.</summary>
    public static async Task<IReadOnlyList<Target>> TargetsAsync(HttpClient prometheus)
    {
        using var json = JsonDocument.Parse(await prometheus.GetStringAsync(new Uri("/api/v1/targets?state=active", UriKind.Relative)));
        return [.. json.RootElement.GetProperty("data").GetProperty("activeTargets").EnumerateArray()
            .Where(t => t.GetProperty("labels").GetProperty("job").GetString() == "shop")
            .Select(t => new Target(
                t.GetProperty("labels").GetProperty("service").GetString()!,
                t.GetProperty("labels").GetProperty("instance").GetString()!,
                t.GetProperty("scrapeUrl").GetString()!,
                t.GetProperty("health").GetString()!,
                t.GetProperty("lastError").GetString()!))];
    }

    /// <summary>Alertmanager's <c>/api/v2/alerts</c>: the alerts it holds (resolved ones are not listed).</summary>
    public static async Task<IReadOnlyList<Alert>> AlertsAsync(HttpClient alertmanager)
    {
        using var json = JsonDocument.Parse(await alertmanager.GetStringAsync(new Uri("/api/v2/alerts", UriKind.Relative)));
        return [.. json.RootElement.EnumerateArray().Select(a => new Alert(
            a.GetProperty("labels").EnumerateObject().ToDictionary(l => l.Name, l => l.Value.GetString()!, StringComparer.Ordinal),
            a.GetProperty("status").GetProperty("state").GetString()!,
            [.. a.GetProperty("receivers").EnumerateArray().Select(r => r.GetProperty("name").GetString()!)]))];
    }
}
