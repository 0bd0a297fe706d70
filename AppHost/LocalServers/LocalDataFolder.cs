using Microsoft.Extensions.Configuration;

namespace Shop.AppHost.LocalServers;

/// <summary>Marks a local server whose data folder is kept between runs (the run-mode analogue of a data volume).</summary>
internal sealed class KeepDataAnnotation : IResourceAnnotation;

/// <summary>
/// Where a local server keeps its files: <c>{LocalServers:DataPath}/{resource}</c>, by default under the
/// AppHost's folder (<c>AppHost/.appdata</c>). Tests give every app its own DataPath, so parallel apps never share.
/// </summary>
internal static class LocalDataFolder
{
    public static string For(IDistributedApplicationBuilder builder, string resourceName)
    {
        var root = builder.Configuration["LocalServers:DataPath"] is { Length: > 0 } configured
            ? Path.GetFullPath(configured, builder.AppHostDirectory)
            : Path.Combine(builder.AppHostDirectory, ".appdata");
        return Path.Combine(root, resourceName);
    }

    /// <summary>
    /// Makes the folder ready before its server starts: kept as it is with <see cref="KeepDataAnnotation"/>,
    /// otherwise emptied, so a server without a data volume starts from nothing, like a fresh container.
    /// </summary>
    public static void Prepare(IResource resource, string folder)
    {
        if (!resource.Annotations.OfType<KeepDataAnnotation>().Any() && Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
        Directory.CreateDirectory(folder);
    }

    /// <summary>Writes a file only its owner can read: config files carry the servers' passwords.</summary>
    public static async Task WritePrivateFileAsync(string path, string contents, CancellationToken cancellationToken)
    {
        await File.WriteAllTextAsync(path, contents, cancellationToken).ConfigureAwait(false);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
}
