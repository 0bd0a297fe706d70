using Microsoft.Extensions.Logging;

namespace Shop.Hosting.Orchestration;

/// <summary>What every runner needs: options, folders, the pid registry, the binary locator and a logger.</summary>
internal sealed class RunContext(HostingOptions options, DistributedApplicationModel model, ILogger logger)
{
    public HostingOptions Options { get; } = options;

    public DistributedApplicationModel Model { get; } = model;

    public ILogger Logger { get; } = logger;

    public BinaryLocator Binaries { get; } = new(options);

    public PidDirectory Pids { get; } = new(Path.Combine(model.AppDataPath, "pids"));

    public EnvironmentResolver Environment { get; } = new(model.ExecutionContext);

    /// <summary>
    /// The data folder of a server: kept under volumes/ when it has a data volume, otherwise a fresh folder
    /// under run/ that is emptied at every start.
    /// </summary>
    public string DataFolder(ApplicationModel.IResource resource)
    {
        var volume = resource.Annotations.OfType<ApplicationModel.DataVolumeAnnotation>().LastOrDefault();
        if (volume is not null)
        {
            var kept = Path.Combine(Model.AppDataPath, "volumes", volume.VolumeName);
            Directory.CreateDirectory(kept);
            return kept;
        }
        var fresh = Path.Combine(Model.AppDataPath, "run", resource.Name);
        if (Directory.Exists(fresh))
        {
            Directory.Delete(fresh, recursive: true);
        }
        Directory.CreateDirectory(fresh);
        return fresh;
    }
}
