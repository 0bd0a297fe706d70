using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Shop.Hosting.ApplicationModel;

namespace Shop.Hosting.Testing;

/// <summary>
/// Starts the real AppHost composition (the same Program.cs) for a test: every port random, a data folder of
/// its own that is deleted afterwards, the dashboard on a random port.
/// <code>
/// var builder = await DistributedApplicationTestingBuilder.CreateAsync&lt;Projects.AppHost&gt;();
/// await using var app = await builder.BuildAsync();
/// await app.StartAsync();
/// await app.WaitForAllHealthyAsync();
/// using var client = app.CreateHttpClient("catalog-api");
/// </code>
/// </summary>
public sealed class DistributedApplicationTestingBuilder
{
    private readonly DistributedApplicationBuilder _builder;

    private DistributedApplicationTestingBuilder(DistributedApplicationBuilder builder) => _builder = builder;

    public IDistributedApplicationBuilder Builder => _builder;

    public string AppDataPath => _builder.AppDataPath;

    /// <param name="args">Extra AppHost arguments, e.g. <c>--Parameters:x=y</c>.</param>
    /// <param name="configuration">Extra configuration applied after the test defaults.</param>
    public static async Task<DistributedApplicationTestingBuilder> CreateAsync<TAppHost>(string[]? args = null, IReadOnlyDictionary<string, string?>? configuration = null)
        where TAppHost : class
    {
        var settings = new Dictionary<string, string?>
        {
            ["Hosting:DataPath"] = Path.Combine(Path.GetTempPath(), "shop-tests", Guid.NewGuid().ToString("N")[..12]),
            ["Hosting:RandomizePorts"] = "true",
            ["Hosting:DashboardUrl"] = "http://127.0.0.1:0",
        };
        foreach (var (key, value) in configuration ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }
        var capture = new CompositionCapture(FindAppHostAssembly(typeof(TAppHost)), settings);
        var builder = await capture.RunEntryPointAsync(args ?? []).ConfigureAwait(false);
        // Registered first so that it stops last, after every resource has released its files.
        builder.Services.Insert(0, ServiceDescriptor.Singleton<IHostedService>(new DataFolderCleanup(builder.AppDataPath)));
        return new DistributedApplicationTestingBuilder(builder);
    }

    public Task<DistributedApplication> BuildAsync() => Task.FromResult(_builder.BuildApplication());

    /// <summary>Accepts a type of the AppHost assembly, or a generated <c>Projects.X</c> class that points at it.</summary>
    private static Assembly FindAppHostAssembly(Type type)
    {
        if (typeof(IProjectMetadata).IsAssignableFrom(type) && Activator.CreateInstance(type) is IProjectMetadata metadata)
        {
            return Assembly.Load(AssemblyName.GetAssemblyName(metadata.AssemblyPath));
        }
        return type.Assembly;
    }

    private sealed class DataFolderCleanup(string path) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken)
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
            return Task.CompletedTask;
        }
    }
}
