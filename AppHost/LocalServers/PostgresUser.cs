using System.Diagnostics;

namespace Shop.AppHost.LocalServers;

/// <summary>
/// Postgres refuses to run as root, so when the AppHost is root its commands run as the <c>postgres</c> user
/// (Debian's package creates it) through <c>setpriv</c>, which execs the server in place: DCP's pid is the server's.
/// </summary>
internal static class PostgresUser
{
    public const string Name = "postgres";

    public static bool Needed => Environment.UserName == "root";

    /// <summary>The command and arguments that run <paramref name="binary"/> as the postgres user when needed.</summary>
    public static (string Command, string[] Prefix) Wrap(string binary) =>
        Needed ? ("/usr/bin/setpriv", [$"--reuid={Name}", $"--regid={Name}", "--init-groups", binary]) : (binary, []);

    /// <summary>Gives <paramref name="folder"/> to the postgres user and checks that it can reach it through every parent.</summary>
    public static async Task TakeOwnershipAsync(string folder, CancellationToken cancellationToken)
    {
        if (!Needed)
        {
            return;
        }
        await RunAsync("chown", ["-R", $"{Name}:{Name}", folder], cancellationToken).ConfigureAwait(false);
        var (command, prefix) = Wrap("/usr/bin/test");
        if (await TryRunAsync(command, [.. prefix, "-w", folder], cancellationToken).ConfigureAwait(false) is not null)
        {
            throw new DistributedApplicationException(
                $"Postgres runs as the '{Name}' user, which cannot reach '{folder}'. Choose a data folder every user can traverse, " +
                "e.g. --LocalServers:DataPath=/var/tmp/shop (or the environment variable LocalServers__DataPath).");
        }
    }

    /// <summary>Runs a set-up command (initdb, chown) to its end; a non-zero exit is an error carrying its output.</summary>
    public static async Task RunAsync(string command, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        if (await TryRunAsync(command, arguments, cancellationToken).ConfigureAwait(false) is { } failure)
        {
            throw new DistributedApplicationException(failure);
        }
    }

    private static async Task<string?> TryRunAsync(string command, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = "/" };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new DistributedApplicationException($"could not start {command}");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return process.ExitCode == 0 ? null : $"{command} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await error.ConfigureAwait(false)}{await output.ConfigureAwait(false)}";
    }
}
