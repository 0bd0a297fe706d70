namespace Shop.Testing;

/// <summary>A data folder of its own for one app (<c>--LocalServers:DataPath</c>), under the temp folder.</summary>
public static class AppDataFolder
{
    public static DirectoryInfo Create(string prefix)
    {
        var folder = Directory.CreateTempSubdirectory(prefix);
        // Postgres runs as the postgres user, which must be able to traverse into the folder (temp folders are 700).
        folder.UnixFileMode |= UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        return folder;
    }
}
