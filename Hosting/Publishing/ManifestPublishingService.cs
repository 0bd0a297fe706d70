using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Shop.Hosting.Publishing;

/// <summary><c>--publisher manifest --output-path F</c>: writes the manifest, starts nothing, and ends the AppHost.</summary>
internal sealed partial class ManifestPublishingService(
    DistributedApplicationModel model,
    IConfiguration configuration,
    IHostApplicationLifetime lifetime,
    ILogger<ManifestPublishingService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var outputPath = configuration["Publishing:OutputPath"]
            ?? throw new DistributedApplicationException("The manifest publisher needs --output-path <file>.");
        var file = Path.GetFullPath(outputPath);
        if (Directory.Exists(file) || outputPath.EndsWith(Path.DirectorySeparatorChar))
        {
            file = Path.Combine(file, "aspire-manifest.json");
        }
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await using (var stream = File.Create(file))
        {
            // Relaxed escaping keeps placeholders such as {cache.bindings.tcp.host} and '+' readable.
            await using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            await new ManifestWriter(model, Path.GetDirectoryName(file)!).WriteAsync(writer, cancellationToken).ConfigureAwait(false);
        }
        LogWritten(file);
        lifetime.StopApplication();
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Wrote the manifest to {File}")]
    private partial void LogWritten(string file);
}
