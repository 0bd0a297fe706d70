using System.Globalization;
using Shop.Hosting.ApplicationModel;

namespace Shop.Hosting.Orchestration;

/// <summary>
/// A project (started from its build output with <c>dotnet exec</c>) or an executable: one process per
/// replica, each on its own port, restarted with back-off when it crashes; with several replicas a
/// round-robin proxy holds the stable port. Healthy when every replica answers <c>GET /health</c> with 200
/// (an executable: when it accepts connections).
/// </summary>
internal sealed class ProjectRunner(ResourceState state, RunContext context, IResourceWithEnvironment resource, HttpClient healthClient)
    : ProcessRunner(state, context)
{
    private readonly List<RoundRobinProxy> _proxies = [];

    private IEnumerable<EndpointAnnotation> Endpoints => resource.Annotations.OfType<EndpointAnnotation>();

    private int ReplicaCount => resource is ProjectResource project ? project.Replicas : 1;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var endpoint in Endpoints.Where(e => e.ReplicaPorts.Count > 1))
        {
            var proxy = new RoundRobinProxy(endpoint.Allocated!.Port, endpoint.ReplicaPorts, State.Log);
            proxy.Start();
            _proxies.Add(proxy);
        }
        for (var i = 0; i < ReplicaCount; i++)
        {
            var replica = i;
            var port = Endpoints.FirstOrDefault()?.ReplicaPorts[replica];
            AddReplica(replica, port, ct => CreateSpecAsync(replica, ct), restartOnCrash: true);
        }
        foreach (var replica in Replicas)
        {
            await replica.StartAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public override async Task<HealthResult> CheckHealthAsync(CancellationToken cancellationToken)
    {
        var endpoint = Endpoints.FirstOrDefault();
        if (endpoint is null)
        {
            return Replicas.All(r => r.IsRunning) ? HealthResult.Healthy("running (no endpoint to probe)") : HealthResult.Unhealthy("not running");
        }
        var problems = new List<string>();
        for (var i = 0; i < Replicas.Count; i++)
        {
            if (!Replicas[i].IsRunning)
            {
                problems.Add($"replica {i}: not running");
                continue;
            }
            var problem = await ProbeAsync(endpoint, endpoint.ReplicaPorts[i], cancellationToken).ConfigureAwait(false);
            if (problem is not null)
            {
                problems.Add($"replica {i}: {problem}");
            }
        }
        return problems.Count == 0 ? HealthResult.Healthy() : HealthResult.Unhealthy(string.Join("; ", problems));
    }

    /// <summary>
    /// A project answers <c>GET /health</c> (ServiceDefaults maps it); an arbitrary executable only promises to
    /// listen, so it is healthy once its port accepts a connection.
    /// </summary>
    private async Task<string?> ProbeAsync(EndpointAnnotation endpoint, int port, CancellationToken cancellationToken)
    {
        try
        {
            if (resource is ProjectResource && endpoint.UriScheme == "http")
            {
                using var response = await healthClient.GetAsync($"http://127.0.0.1:{port}/health", cancellationToken).ConfigureAwait(false);
                return response.IsSuccessStatusCode ? null : $"/health answered {(int)response.StatusCode}";
            }
            using var client = new System.Net.Sockets.TcpClient();
            await client.ConnectAsync("127.0.0.1", port, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (Exception e) when (e is HttpRequestException or System.Net.Sockets.SocketException or IOException)
        {
            return e.Message;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return "no answer in time";
        }
    }

    public override async Task StopAsync()
    {
        foreach (var proxy in _proxies)
        {
            await proxy.DisposeAsync().ConfigureAwait(false);
        }
        _proxies.Clear();
        await base.StopAsync().ConfigureAwait(false);
    }

    private async Task<ProcessSpec> CreateSpecAsync(int replica, CancellationToken cancellationToken)
    {
        var standard = new List<KeyValuePair<string, object>>();
        void Add(string name, string value) => standard.Add(new(name, value));

        if (resource is ProjectResource)
        {
            Add("DOTNET_ENVIRONMENT", Context.Options.ProjectEnvironment);
            Add("ASPNETCORE_ENVIRONMENT", Context.Options.ProjectEnvironment);
            var urls = Endpoints.Where(e => e.Transport == "http").Select(e => $"{e.UriScheme}://127.0.0.1:{e.ReplicaPorts[replica]}").ToList();
            if (urls.Count > 0)
            {
                Add("ASPNETCORE_URLS", string.Join(';', urls));
            }
            // Console logs go to the dashboard, which shows no colours.
            Add("Logging__Console__FormatterOptions__ColorBehavior", "Disabled");
        }
        foreach (var endpoint in Endpoints.Where(e => e.EnvironmentVariable is not null))
        {
            Add(endpoint.EnvironmentVariable!, endpoint.ReplicaPorts[replica].ToString(CultureInfo.InvariantCulture));
        }
        Add("OTEL_SERVICE_NAME", resource.Name);
        Add("OTEL_RESOURCE_ATTRIBUTES", $"service.instance.id={resource.Name}-{replica}");
        if (!string.IsNullOrEmpty(Context.Options.OtlpEndpoint))
        {
            Add("OTEL_EXPORTER_OTLP_ENDPOINT", Context.Options.OtlpEndpoint);
        }

        var environment = await Context.Environment.ResolveAsync(resource, standard, cancellationToken).ConfigureAwait(false);
        if (replica == 0)
        {
            // The dashboard shows one environment per resource: the first replica's (they differ only in ports).
            State.SetEnvironment(environment);
        }
        var args = resource.Annotations.OfType<CommandLineArgsAnnotation>().SelectMany(a => a.Args).ToList();
        var variables = environment.ToDictionary(e => e.Name, e => e.Value, StringComparer.Ordinal);
        return resource switch
        {
            ProjectResource project => new ProcessSpec(DotnetHost.Path, ["exec", project.Metadata.AssemblyPath, .. args],
                Path.GetDirectoryName(project.Metadata.ProjectPath)!) { Environment = variables },
            ExecutableResource executable => new ProcessSpec(executable.Command, args, executable.WorkingDirectory) { Environment = variables },
            _ => throw new InvalidOperationException($"Resource '{resource.Name}' is not a project or an executable."),
        };
    }
}

/// <summary>The dotnet host that runs projects: the one running us when known, else the one on PATH.</summary>
internal static class DotnetHost
{
    public static string Path { get; } = Resolve();

    private static string Resolve()
    {
        var hostPath = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(hostPath) && File.Exists(hostPath))
        {
            return hostPath;
        }
        var current = Environment.ProcessPath;
        if (current is not null && System.IO.Path.GetFileNameWithoutExtension(current) == "dotnet")
        {
            return current;
        }
        return "dotnet";
    }
}
