namespace Shop.AppHost.Monitoring;

internal static class MonitoringFiles
{
    /// <summary>A file of the monitoring folder; its absence stops the AppHost before anything starts, naming the path.</summary>
    public static string Require(MonitoringOptions options, string fileName)
    {
        var path = Path.Combine(options.ConfigPath, fileName);
        return File.Exists(path)
            ? path
            : throw new DistributedApplicationException($"{path} was not found: {MonitoringOptions.SectionName}:ConfigPath must name the folder of prometheus.yml, its rules and alertmanager.yml");
    }
}
