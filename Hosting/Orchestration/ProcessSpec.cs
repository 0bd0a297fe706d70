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

    /// <summary>
    /// The full command line: the program and its arguments, behind <c>setpriv</c> when it runs as another user.
    /// setpriv execs in place (same pid), unlike su/runuser which fork and stay as a parent.
    /// </summary>
    public IEnumerable<string> CommandLine()
    {
        if (RunAsUser is { } user)
        {
            foreach (var arg in new[] { "setpriv", $"--reuid={user}", $"--regid={user}", "--init-groups", "--" })
            {
                yield return arg;
            }
        }
        yield return FileName;
        foreach (var arg in Arguments)
        {
            yield return arg;
        }
    }
}
