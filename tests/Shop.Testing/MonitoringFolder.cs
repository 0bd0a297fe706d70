namespace Shop.Testing;

/// <summary>The repository's monitoring/ folder, found upwards from the test assembly.</summary>
public static class MonitoringFolder
{
    public static string Path { get; } = Find();

    public static string File(string name) => System.IO.Path.Combine(Path, name);

    private static string Find()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = System.IO.Path.Combine(folder.FullName, "monitoring");
            if (System.IO.File.Exists(System.IO.Path.Combine(candidate, "alerts.yml")))
            {
                return candidate;
            }
        }
        throw new InvalidOperationException($"No monitoring/alerts.yml above {AppContext.BaseDirectory}");
    }
}
