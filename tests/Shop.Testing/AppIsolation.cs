using Microsoft.Extensions.Configuration.UserSecrets;

namespace Shop.Testing;

/// <summary>
/// What keeps a test's app apart from the developer's own (<c>./run.sh</c>) and from other test apps: a data folder
/// (<c>--LocalServers:DataPath</c>) and user secrets (<c>ASPIRE_USER_SECRETS_ID</c>) of its own. Without the second,
/// the generated passwords of every test app were written into the AppHost's own user secrets, and the developer's
/// kept data folders no longer opened with them. Ports are DCP's random ones (the testing builder's default, and
/// <see cref="RandomPortsVariable"/> for an AppHost process). Both are deleted on dispose unless the folder is the caller's.
/// </summary>
public sealed class AppIsolation : IDisposable
{
    /// <summary>Aspire's switch for the user secrets store of an AppHost (instead of the project's UserSecretsId).</summary>
    public const string UserSecretsIdVariable = "ASPIRE_USER_SECRETS_ID";

    /// <summary>Makes DCP pick free ports instead of the launch profiles' fixed ones, which <c>./run.sh</c> uses.</summary>
    public const string RandomPortsVariable = "DcpPublisher__RandomizePorts";

    private readonly bool _ownsDataFolder;

    private AppIsolation(DirectoryInfo dataFolder, bool ownsDataFolder)
    {
        DataFolder = dataFolder;
        _ownsDataFolder = ownsDataFolder;
    }

    public DirectoryInfo DataFolder { get; }

    public string UserSecretsId { get; } = "shop-test-" + Guid.NewGuid().ToString("N");

    /// <summary>The AppHost's command-line arguments that select this data folder and these user secrets.</summary>
    public IReadOnlyList<string> Arguments => [$"--LocalServers:DataPath={DataFolder.FullName}", $"--{UserSecretsIdVariable}={UserSecretsId}"];

    /// <summary>A new data folder under the temp folder, deleted with the isolation.</summary>
    public static AppIsolation Create(string prefix = "shop-test-") => new(CreateDataFolder(prefix), ownsDataFolder: true);

    /// <summary>The caller's data folder (kept after dispose, e.g. to start a second app on it), and user secrets of its own.</summary>
    public static AppIsolation For(DirectoryInfo dataFolder) => new(dataFolder, ownsDataFolder: false);

    /// <summary>A folder the local servers can use: Postgres runs as the postgres user, which must traverse into it (temp folders are 700).</summary>
    public static DirectoryInfo CreateDataFolder(string prefix)
    {
        var folder = Directory.CreateTempSubdirectory(prefix);
        folder.UnixFileMode |= UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        return folder;
    }

    /// <summary>
    /// Deletes a data folder a test made. A server the AppHost started may still be finishing its exit (its last log
    /// line, its pid file) when the AppHost has gone, so a folder that is not empty yet is tried again for a few
    /// seconds, then left where it is: under the temp folder, harmless, and not the test's verdict.
    /// </summary>
    public static async Task DeleteDataFolderAsync(DirectoryInfo folder)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                folder.Refresh();
                if (folder.Exists)
                {
                    folder.Delete(recursive: true);
                }
                return;
            }
            catch (IOException) when (attempt < 50)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100));
            }
            catch (IOException)
            {
                return;
            }
        }
    }

    public void Dispose()
    {
        var secrets = Path.GetDirectoryName(PathHelper.GetSecretsPathFromSecretsId(UserSecretsId));
        if (secrets is not null && Directory.Exists(secrets))
        {
            Directory.Delete(secrets, recursive: true);
        }
        if (!_ownsDataFolder)
        {
            return;
        }
        try
        {
            DataFolder.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A server that was still writing as it died; the folder is under the temp folder and harmless.
        }
    }
}
