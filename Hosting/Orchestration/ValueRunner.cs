namespace Shop.Hosting.Orchestration;

/// <summary>Parameters and configured connection strings: nothing runs; they are ready once their value resolves.</summary>
internal sealed class ValueRunner(ResourceState state, RunContext context, Func<CancellationToken, ValueTask<string?>> resolve) : ResourceRunner(state, context)
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await resolve(cancellationToken).ConfigureAwait(false);
        State.SetState(ResourceStateKind.Running);
    }

    public override Task<HealthResult> CheckHealthAsync(CancellationToken cancellationToken) => Task.FromResult(HealthResult.Healthy());

    public override Task StopAsync()
    {
        State.SetState(ResourceStateKind.Finished);
        return Task.CompletedTask;
    }
}
