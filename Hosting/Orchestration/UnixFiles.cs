namespace Shop.Hosting.Orchestration;

/// <summary>File modes for secrets and binaries; the local runtime targets Linux, the guards satisfy the analyzer.</summary>
internal static class UnixFiles
{
    /// <summary>Readable and writable by the owner only: files that hold passwords.</summary>
    public static void MakePrivate(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    public static bool IsExecutable(string path) =>
        File.Exists(path) && (OperatingSystem.IsWindows() || (File.GetUnixFileMode(path) & UnixFileMode.UserExecute) != 0);
}
