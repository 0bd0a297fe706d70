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
        // The worker waited for the migrations and ran only after they had ended (it is announced "Starting" once
        // before it waits, so its first "Running" is what counts). Compared in the order the app host announced them,
        // not by the processes' start and stop timestamps, which were seen 0.4 s out of order on this machine.
        var ended = fixture.App.States.FirstSeen("migrations", [.. KnownResourceStates.TerminalStates]);
        var waiting = fixture.App.States.FirstSeen("ordering-worker", KnownResourceStates.Waiting);
        var running = fixture.App.States.FirstSeen("ordering-worker", KnownResourceStates.Running);
        Assert.NotNull(ended);
        Assert.NotNull(waiting);
        Assert.NotNull(running);
        Assert.True(waiting < ended, $"ordering-worker was announced waiting (notification {waiting}) only after the migrations ended (notification {ended})");
        Assert.True(running > ended, $"ordering-worker was announced running (notification {running}) before the migrations ended (notification {ended})");

        // Every script Ordering.Core embeds is recorded as applied (a fresh database ran each once).
        var scripts = typeof(Shop.Ordering.Core.Schema.OrderingSchema).Assembly.GetManifestResourceNames().Count(n => n.EndsWith(".sql", StringComparison.Ordinal));
        Assert.Equal(6, scripts); // 0001, 0003 to 0007 (0002 was removed: SchemaMigrationTests)
        Assert.Equal(scripts, await fixture.Client.ScalarAsync("SELECT count(*) FROM schema_migrations"));
        Assert.Contains(fixture.App.States.LogOf("migrations"), line => line.Contains("orderingdb is migrated", StringComparison.Ordinal));
        Assert.DoesNotContain(fixture.WorkerLog(), line => line.Contains("orderingdb migration", StringComparison.Ordinal));
    }
}
