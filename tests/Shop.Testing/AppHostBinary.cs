using System.Reflection;

namespace Shop.Testing;

/// <summary>The built AppHost, for tests that run it as a process (<c>dotnet exec</c>), as <c>./run.sh</c> does.</summary>
public static class AppHostBinary
{
    /// <summary>AppHost.dll of the configuration these tests were built in.</summary>
    public static string AssemblyPath
    {
        get
        {
            var configuration = typeof(AppHostBinary).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
            // The generated metadata names the AppHost's folder (or, in other SDK versions, its project file).
            var project = Projects.AppHost.ProjectPath.EndsWith(".csproj", StringComparison.Ordinal)
                ? Path.GetDirectoryName(Projects.AppHost.ProjectPath)!
                : Projects.AppHost.ProjectPath;
            return Path.Combine(project, "bin", configuration, "net10.0", "AppHost.dll");
        }
    }
}
