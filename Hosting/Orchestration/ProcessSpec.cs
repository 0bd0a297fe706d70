namespace Shop.Hosting.Orchestration;

/// <summary>What to start: the program, its arguments and environment, and how it wants to be stopped.</summary>
internal sealed record ProcessSpec(string FileName, IReadOnlyList<string> Arguments, string WorkingDirectory)
{
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Run as this user (Postgres refuses to run as root). Null: as ourselves.</summary>
    public string? RunAsUser { get; init; }

    /// <summary>The signal for a graceful stop: SIGINT is Postgres's "fast" shutdown, SIGTERM everyone else's.</summary>
    public int StopSignal { get; init; } = Native.SIGTERM;

    public string DisplayCommand => string.Join(' ', new[] { FileName }.Concat(Arguments));
}
