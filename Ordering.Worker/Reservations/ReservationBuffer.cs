using System.Threading.Channels;

namespace Shop.Ordering.Worker.Reservations;

/// <summary>
/// Hands deliveries from the RabbitMQ consumer to the single batch loop. Unbounded on purpose: the consumer's
/// prefetch already bounds how many deliveries exist. <see cref="Outstanding"/> counts deliveries received and
/// not yet settled (in the buffer or in the batch being processed): the rebuild waits for it to reach zero.
/// </summary>
public sealed class ReservationBuffer
{
    private readonly Channel<Delivery> _deliveries = Channel.CreateUnbounded<Delivery>(new UnboundedChannelOptions
    {
        SingleReader = true,
        SingleWriter = false,
    });

    private long _outstanding;

    public long Outstanding => Interlocked.Read(ref _outstanding);

    public void Add(Delivery delivery)
    {
        Interlocked.Increment(ref _outstanding);
        _deliveries.Writer.TryWrite(delivery);
    }

    public void Settled(int deliveries) => Interlocked.Add(ref _outstanding, -deliveries);

    /// <summary>
    /// Waits for a delivery, then gathers more until the batch is full or <paramref name="linger"/> has passed since
    /// the first: a burst becomes one batch, a lone reservation waits at most the linger.
    /// </summary>
    public async Task<List<Delivery>> ReadBatchAsync(int maxSize, TimeSpan linger, CancellationToken cancellationToken)
    {
        var reader = _deliveries.Reader;
        var batch = new List<Delivery>(Math.Min(maxSize, 256)) { await reader.ReadAsync(cancellationToken) };
        using var lingering = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        lingering.CancelAfter(linger);
        try
        {
            while (batch.Count < maxSize)
            {
                if (reader.TryRead(out var next))
                {
                    batch.Add(next);
                }
                else if (!await reader.WaitToReadAsync(lingering.Token))
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The linger is over: process what came.
        }
        return batch;
    }
}
