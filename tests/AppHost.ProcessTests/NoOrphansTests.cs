namespace Shop.AppHost.ProcessTests;

/// <summary>
/// The AppHost as a real process: however it ends, no server, helper, DCP or project process of it is left running.
/// Ctrl+C (SIGINT to the process group, as a terminal sends it) and SIGKILL here, each on a run of its own; SIGTERM
/// ends the run <see cref="AppHostRunTests"/> reads (<see cref="AppHostRunTests.No_process_of_the_app_outlives_the_AppHost_stopped_with_SIGTERM"/>).
/// </summary>
public sealed class NoOrphansTests
{
    [Theory]
    [InlineData(ProcessInfo.SIGINT, true)]
    [InlineData(ProcessInfo.SIGKILL, false)]
    public async Task No_process_of_the_app_outlives_the_AppHost(int signal, bool wholeGroup)
    {
        using var isolation = AppIsolation.Create("shop-orphans-");
        using var appHost = AppHostProcess.Start(isolation);
        try
        {
            await appHost.WaitForOutputAsync("Shop is ready", AppHostProcess.ReadyTimeout);
            await AppProcesses.AssertNothingOutlivesAsync(appHost, isolation, signal, wholeGroup);
        }
        finally
        {
            await AppProcesses.EndAsync(appHost, isolation);
        }
    }
}
