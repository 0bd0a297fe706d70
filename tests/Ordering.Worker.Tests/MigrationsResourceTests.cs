using Aspire.Hosting.ApplicationModel;
using Shop.Testing;

namespace Shop.Ordering.Worker.Tests;

/// <summary>
/// orderingdb's schema comes from the migrations resource, not from the worker: the resource ran to its end with
/// exit code 0 before the worker's process started (the AppHost's WaitForCompletion), every script is recorded, and
/// the worker itself applies none (docs/architecture.md, "Migrations").
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class MigrationsResourceTests(WorkerAppFixture fixture)
{
    [Fact]
    public async Task The_worker_starts_after_the_migrations_completed_with_exit_code_0_and_finds_the_schema()
    {
        var migrations = Assert.Single(fixture.App.States.InstancesOf("migrations"));
        Assert.Equal(KnownResourceStates.Finished, migrations.Snapshot.State?.Text);
        Assert.Equal(0, migrations.Snapshot.ExitCode);
        Assert.NotNull(migrations.Snapshot.StopTimeStamp);
        // Every instance of the worker (a test may have restarted it) started after the migrations ended.
        foreach (var worker in fixture.App.States.InstancesOf("ordering-worker"))
        {
            Assert.NotNull(worker.Snapshot.StartTimeStamp);
            Assert.True(worker.Snapshot.StartTimeStamp >= migrations.Snapshot.StopTimeStamp,
                $"ordering-worker started at {worker.Snapshot.StartTimeStamp:O}, the migrations ended at {migrations.Snapshot.StopTimeStamp:O}");
        }

        Assert.Equal(5, await fixture.Client.ScalarAsync("SELECT count(*) FROM schema_migrations"));
        Assert.Contains(fixture.App.States.LogOf("migrations"), line => line.Contains("orderingdb is migrated", StringComparison.Ordinal));
        Assert.DoesNotContain(fixture.WorkerLog(), line => line.Contains("orderingdb migration", StringComparison.Ordinal));
    }
}
