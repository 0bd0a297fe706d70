using Microsoft.Extensions.Configuration;

namespace Shop.AppHost.LocalServers;

/// <summary>A server binary that run mode starts from the machine, and the Debian package it comes from.</summary>
internal sealed record ServerBinary(string FileName, string DebianPackage, params string[] PackageFolders)
{
    public static readonly ServerBinary RedisServer = new("redis-server", "redis-server");
    public static readonly ServerBinary Postgres = new("postgres", "postgresql", PostgresFolders());
    public static readonly ServerBinary InitDb = new("initdb", "postgresql", PostgresFolders());
    public static readonly ServerBinary RabbitMQServer = new("rabbitmq-server", "rabbitmq-server", "/usr/lib/rabbitmq/bin");
    public static readonly ServerBinary Epmd = new("epmd", "erlang-base", "/usr/lib/erlang/bin");
    public static readonly ServerBinary Prometheus = new("prometheus", "prometheus");
    public static readonly ServerBinary Alertmanager = new("prometheus-alertmanager", "prometheus-alertmanager");

    /// <summary>
    /// The binary's full path: the folders in <c>LocalServers:BinarySearchPath</c> first, then the package's own
    /// folders and PATH (unless <c>LocalServers:SearchSystemPath</c> is false, as the missing-binary test sets).
    /// </summary>
    public string Locate(IConfiguration configuration)
    {
        var folders = new List<string>();
        folders.AddRange((configuration["LocalServers:BinarySearchPath"] ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));
        if (configuration.GetValue("LocalServers:SearchSystemPath", true))
        {
            folders.AddRange(PackageFolders);
            folders.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));
        }
        foreach (var folder in folders)
        {
            var candidate = Path.Combine(folder, FileName);
            if (File.Exists(candidate) && (File.GetUnixFileMode(candidate) & UnixFileMode.UserExecute) != 0)
            {
                return candidate;
            }
        }
        throw new MissingServerBinaryException(this, folders);
    }

    // Debian installs Postgres under /usr/lib/postgresql/<major>/bin and puts only wrappers on PATH.
    private static string[] PostgresFolders() =>
        Directory.Exists("/usr/lib/postgresql")
            ? [.. Directory.GetDirectories("/usr/lib/postgresql").OrderDescending(StringComparer.Ordinal).Select(d => Path.Combine(d, "bin"))]
            : [];
}

/// <summary>Thrown while the AppHost composes run mode when a server is not installed; it says what to install.</summary>
public sealed class MissingServerBinaryException : DistributedApplicationException
{
    internal MissingServerBinaryException(ServerBinary binary, IEnumerable<string> searched)
        : base($"'{binary.FileName}' was not found on this machine (searched: {string.Join(", ", searched)}). " +
               $"Install it with: sudo apt-get install -y {binary.DebianPackage}")
    {
        FileName = binary.FileName;
        DebianPackage = binary.DebianPackage;
    }

    public string FileName { get; }

    public string DebianPackage { get; }
}
