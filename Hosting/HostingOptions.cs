namespace Shop.Hosting;

/// <summary>Settings of the local runtime, bound from the <c>Hosting</c> configuration section.</summary>
public sealed class HostingOptions
{
    public const string SectionName = "Hosting";

    /// <summary>Server data, generated secrets, pid files and logs. Default: <c>{AppHost folder}/.appdata</c>.</summary>
    public string? DataPath { get; set; }

    /// <summary>Where the dashboard listens. Port 0 picks a free port.</summary>
    public string DashboardUrl { get; set; } = "http://localhost:18888";

    public bool DashboardEnabled { get; set; } = true;

    /// <summary>Give every endpoint a free port even where a fixed port was asked for (tests run side by side).</summary>
    public bool RandomizePorts { get; set; }

    /// <summary>Folders searched for server binaries before PATH (also how a test simulates a missing binary).</summary>
    public string? BinarySearchPath { get; set; }

    /// <summary>When false, server binaries are looked up only in <see cref="BinarySearchPath"/>.</summary>
    public bool SearchSystemPath { get; set; } = true;

    /// <summary>How long a stopping process gets after SIGTERM before it is killed.</summary>
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest wait between restarts of a crashed project.</summary>
    public TimeSpan MaxRestartDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>DOTNET_ENVIRONMENT / ASPNETCORE_ENVIRONMENT given to projects.</summary>
    public string ProjectEnvironment { get; set; } = "Development";

    /// <summary>The OTLP endpoint passed to services as OTEL_EXPORTER_OTLP_ENDPOINT, when set.</summary>
    public string? OtlpEndpoint { get; set; }
}
