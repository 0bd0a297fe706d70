using System.Text.Json;

namespace Shop.AppHost.Monitoring;

/// <summary>
/// Prometheus's file-based service discovery file (<c>file_sd_configs</c> in monitoring/prometheus.yml): the
/// current targets, rewritten whole whenever they change. Prometheus watches the file, so a replica that appears or
/// moves is scraped without a reload.
/// </summary>
internal sealed class ScrapeTargetsFile(string path)
{
    private readonly SemaphoreSlim _writing = new(1, 1);
    private IReadOnlyList<ScrapeTarget> _targets = [];

    public string Path { get; } = path;

    /// <summary>Replaces the targets and writes them.</summary>
    public async Task UpdateAsync(IReadOnlyList<ScrapeTarget> targets, CancellationToken cancellationToken)
    {
        await _writing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _targets = targets;
            await WriteAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writing.Release();
        }
    }

    /// <summary>Writes the current targets again: Prometheus's data folder is emptied at every start of it.</summary>
    public async Task RewriteAsync(CancellationToken cancellationToken)
    {
        await _writing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await WriteAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writing.Release();
        }
    }

    /// <summary>The file's content: one target group per instance, with its labels.</summary>
    public static string Format(IEnumerable<ScrapeTarget> targets) =>
        JsonSerializer.Serialize(targets.Select(t => new Dictionary<string, object>
        {
            ["targets"] = new[] { t.Address },
            ["labels"] = new Dictionary<string, string>
            {
                ["service"] = t.Service,
                ["instance"] = t.Instance,
                ["__metrics_path__"] = t.MetricsPath,
            },
        }));

    private async Task WriteAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        // Written aside and renamed over the file, so Prometheus never reads half of it.
        var temporary = Path + ".tmp";
        await File.WriteAllTextAsync(temporary, Format(_targets), cancellationToken).ConfigureAwait(false);
        File.Move(temporary, Path, overwrite: true);
    }
}
