namespace Shop.Ordering.Worker.Infrastructure;

/// <summary>
/// Opens once orderingdb has the schema: every consumer and loop waits for it, so nothing reads or writes a
/// table that a migration has not created yet, while the web host (and its /health) is already up.
/// </summary>
public sealed class StartupGate
{
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsOpen => _open.Task.IsCompleted;

    public void Open() => _open.TrySetResult();

    public Task WaitAsync(CancellationToken cancellationToken) => _open.Task.WaitAsync(cancellationToken);
}
