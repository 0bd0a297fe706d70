using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Shop.Hosting.ApplicationModel;
using Shop.Hosting.Testing;

namespace Shop.Hosting;

/// <summary>Collects the app model; <see cref="Build"/> turns it into a runnable or publishable application.</summary>
public sealed class DistributedApplicationBuilder : IDistributedApplicationBuilder
{
    private static readonly Dictionary<string, string> SwitchMappings = new(StringComparer.Ordinal)
    {
        ["--publisher"] = "Publishing:Publisher",
        ["--output-path"] = "Publishing:OutputPath",
    };

    private readonly HostApplicationBuilder _host;
    private readonly List<IResource> _resources = [];
    private readonly CompositionCapture? _capture;

    internal DistributedApplicationBuilder(string[] args, Assembly appHostAssembly, CompositionCapture? capture)
    {
        _capture = capture;
        _host = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings
        {
            ApplicationName = appHostAssembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        _host.Configuration.AddEnvironmentVariables("DOTNET_");
        _host.Configuration.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true);
        _host.Configuration.AddEnvironmentVariables();
        _host.Configuration.AddCommandLine(args, SwitchMappings);
        capture?.ApplyConfiguration(_host.Configuration);

        _host.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });
        _host.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        _host.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        _host.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);

        var publisher = _host.Configuration["Publishing:Publisher"];
        ExecutionContext = new DistributedApplicationExecutionContext(
            string.IsNullOrEmpty(publisher) ? DistributedApplicationOperation.Run : DistributedApplicationOperation.Publish);
        if (ExecutionContext.IsPublishMode && publisher != "manifest")
        {
            throw new DistributedApplicationException($"Unknown publisher '{publisher}'. The only publisher is 'manifest'.");
        }

        AppHostDirectory = appHostAssembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "ShopAppHostProjectDirectory")?.Value ?? AppContext.BaseDirectory;
        var options = _host.Configuration.GetSection(HostingOptions.SectionName).Get<HostingOptions>() ?? new HostingOptions();
        AppDataPath = Path.GetFullPath(options.DataPath ?? Path.Combine(AppHostDirectory, ".appdata"));
        _host.Services.Configure<HostingOptions>(_host.Configuration.GetSection(HostingOptions.SectionName));
    }

    public ConfigurationManager Configuration => _host.Configuration;

    public IHostEnvironment Environment => _host.Environment;

    public IServiceCollection Services => _host.Services;

    public ILoggingBuilder Logging => _host.Logging;

    public DistributedApplicationExecutionContext ExecutionContext { get; }

    public string AppHostDirectory { get; }

    public string AppDataPath { get; }

    public IReadOnlyList<IResource> Resources => _resources;

    public IResourceBuilder<T> AddResource<T>(T resource) where T : IResource
    {
        if (_resources.Any(r => string.Equals(r.Name, resource.Name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new DistributedApplicationException($"Cannot add resource '{resource.Name}': a resource with that name already exists.");
        }
        _resources.Add(resource);
        return CreateResourceBuilder(resource);
    }

    public IResourceBuilder<T> CreateResourceBuilder<T>(T resource) where T : IResource => new ResourceBuilder<T>(this, resource);

    public DistributedApplication Build()
    {
        // Under the test builder, Program.cs ends here: the test takes the composition and builds it itself.
        if (_capture is { IsCapturing: true })
        {
            _capture.Capture(this);
        }
        return BuildApplication();
    }

    internal DistributedApplication BuildApplication()
    {
        var model = new DistributedApplicationModel(_resources, ExecutionContext, AppHostDirectory, AppDataPath);
        _host.Services.AddSingleton(model);
        _host.Services.AddSingleton(ExecutionContext);
        if (ExecutionContext.IsPublishMode)
        {
            _host.Services.AddHostedService<Publishing.ManifestPublishingService>();
        }
        else
        {
            Orchestration.OrchestrationServices.Add(_host.Services);
        }
        return new DistributedApplication(_host.Build());
    }
}
