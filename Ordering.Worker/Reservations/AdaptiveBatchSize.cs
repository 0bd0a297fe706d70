namespace Shop.Ordering.Worker.Reservations;

/// <summary>
/// How many reservations the next batch may take: <see cref="WorkerOptions.BatchSize"/> while the worker keeps up with
/// the stream, doubling after each full batch up to <see cref="WorkerOptions.MaxBatchSize"/> while a backlog builds
/// (a sale's peak), and halving back once batches come in at a quarter full or less. During the peak the ledger's
/// cost per order then falls (one transaction, one ledger update and one event per batch, whatever its size), leaving
/// the cores to the decisions, and the backlog after a sell-out drains in fewer, larger transactions.
/// </summary>
public sealed class AdaptiveBatchSize
{
    private readonly int _min;
    private readonly int _max;

    public AdaptiveBatchSize(int min, int max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(min, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, min);
        (_min, _max, Current) = (min, max, min);
    }

    public int Current { get; private set; }

    /// <summary>Takes note of how many entries the last batch held.</summary>
    public void Observe(int read)
    {
        if (read >= Current)
        {
            Current = Math.Min(Current * 2, _max);
        }
        else if (read <= Current / 4)
        {
            Current = Math.Max(Current / 2, _min);
        }
    }
}
