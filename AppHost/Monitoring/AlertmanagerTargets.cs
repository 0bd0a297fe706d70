namespace Shop.AppHost.Monitoring;

/// <summary>Where Prometheus sends alerts: the Alertmanager of this app, by its allocated port (file discovery).</summary>
internal static class AlertmanagerTargets
{
    public static async Task WriteAsync(string path, EndpointReference alertmanager, CancellationToken cancellationToken)
    {
        var address = await alertmanager.Property(EndpointProperty.HostAndPort).GetValueAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"{alertmanager.Resource.Name} has no allocated endpoint yet");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, System.Text.Json.JsonSerializer.Serialize(new[] { new { targets = new[] { address } } }), cancellationToken).ConfigureAwait(false);
    }
}
