using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Shop.AppHost.LocalServers;

/// <summary>
/// A kept data folder that no longer opens: Postgres sets its password when the folder is created and keeps it
/// there, while the AppHost takes it from the parameter (<c>{name}-password</c>, generated once into its user
/// secrets). When the two differ (the secrets were lost, rewritten or changed) the server refuses every login and
/// never becomes healthy, and everything waiting for it waits for ever. Instead the AppHost names the server, the
/// folder and the two ways back, and stops with exit code 1. (RabbitMQ needs none of this: its user is given the
/// parameter's password at every start, LocalRabbitMQBuilderExtensions.WriteConfigAsync.)
/// </summary>
internal sealed partial class RejectedPassword(IHostApplicationLifetime lifetime, ILogger<RejectedPassword> logger)
{
    private int _reported;

    /// <summary>Reports <paramref name="server"/>'s refusal (once) and stops the AppHost.</summary>
    public void StopTheApp(IResource server, ParameterResource password, string dataFolder, string refusal)
    {
        if (Interlocked.Exchange(ref _reported, 1) == 1)
        {
            return;
        }
        LogRejected(logger, server.Name, dataFolder, password.Name, refusal);
        Environment.ExitCode = 1;
        lifetime.StopApplication();
    }

    [LoggerMessage(Level = LogLevel.Critical, Message =
        "{Server} cannot start: its data folder {DataFolder} was created with another password than the AppHost's parameter " +
        "{Parameter} now holds, and it refuses that one ({Refusal}). Either put the folder's password back " +
        "(dotnet user-secrets set Parameters:{Parameter} <the old password> --project AppHost), or delete the folder to " +
        "start again with empty data (rm -rf {DataFolder}). Stopping.")]
    private static partial void LogRejected(ILogger logger, string server, string dataFolder, string parameter, string refusal);
}
