namespace Shop.Hosting.Orchestration;

/// <summary>The server binaries Shop runs locally and the Debian package each one comes from.</summary>
internal sealed record ServerBinary(string FileName, string DebianPackage, params string[] ExtraFolders)
{
    public static readonly ServerBinary RedisServer = new("redis-server", "redis-server");
    public static readonly ServerBinary Postgres = new("postgres", "postgresql", PostgresFolders());
    public static readonly ServerBinary InitDb = new("initdb", "postgresql", PostgresFolders());
    public static readonly ServerBinary RabbitMQServer = new("rabbitmq-server", "rabbitmq-server", "/usr/lib/rabbitmq/bin");
    public static readonly ServerBinary Epmd = new("epmd", "erlang-base", "/usr/lib/erlang/bin");

    // Debian installs Postgres under /usr/lib/postgresql/<major>/bin and puts only wrappers on PATH.
    private static string[] PostgresFolders() =>
        Directory.Exists("/usr/lib/postgresql")
            ? [.. Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(d => d, StringComparer.Ordinal).Select(d => Path.Combine(d, "bin"))]
            : [];
}

/// <summary>Thrown when a server binary is not on this machine; the message says what to install.</summary>
public sealed class MissingServerBinaryException(string fileName, string debianPackage, IEnumerable<string> searched)
    : DistributedApplicationException(
        $"'{fileName}' was not found on this machine (searched: {string.Join(", ", searched)}). " +
        $"Install it with: sudo apt-get install -y {debianPackage}")
{
    public string FileName { get; } = fileName;

    public string DebianPackage { get; } = debianPackage;
}

/// <summary>Finds server binaries: first the configured folders, then the package's own folders, then PATH.</summary>
internal sealed class BinaryLocator(HostingOptions options)
{
    public string Find(ServerBinary binary)
    {
        var folders = new List<string>();
        if (!string.IsNullOrEmpty(options.BinarySearchPath))
        {
            folders.AddRange(options.BinarySearchPath.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));
        }
        if (options.SearchSystemPath)
        {
            folders.AddRange(binary.ExtraFolders);
            folders.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));
        }
        foreach (var folder in folders)
        {
            var candidate = Path.Combine(folder, binary.FileName);
            if (UnixFiles.IsExecutable(candidate))
            {
                return candidate;
            }
        }
        throw new MissingServerBinaryException(binary.FileName, binary.DebianPackage, folders);
    }
}
