namespace Shop.AppHost.ProcessTests;

/// <summary>The end of the run the other tests of the class read: SIGTERM, and nothing of the app is left.</summary>
public sealed partial class AppHostRunTests
{
    [Fact]
    [StopsTheApp]
    public Task No_process_of_the_app_outlives_the_AppHost_stopped_with_SIGTERM() =>
        AppProcesses.AssertNothingOutlivesAsync(AppHost, fixture.Isolation, ProcessInfo.SIGTERM, wholeGroup: false);
}
