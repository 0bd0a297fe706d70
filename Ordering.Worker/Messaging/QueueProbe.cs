using RabbitMQ.Client;

namespace Shop.Ordering.Worker.Messaging;

/// <summary>
/// Reads a queue's ready-message count with a passive declare on a channel of its own (a passive declare of a
/// missing queue closes its channel; it must not take a consumer's with it). Used by the queue-depth gauge and by
/// the rebuild, which waits for the reservations queue to drain. Never blocks for long: a count it cannot read
/// is null.
/// </summary>
public sealed partial class QueueProbe(IConnection connection, ILogger<QueueProbe> logger) : IAsyncDisposable
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private IChannel? _channel;

    public async Task<uint?> MessageCountAsync(string queue, CancellationToken cancellationToken)
    {
        // Never waits for the connection to recover: while it is closed, the count is unknown.
        if (!connection.IsOpen)
        {
            return null;
        }
        await _lock.WaitAsync(cancellationToken);
        try
        {
            if (_channel is not { IsOpen: true })
            {
                if (_channel is not null)
                {
                    await _channel.DisposeAsync();
                }
                _channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
            }
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            var declared = await _channel.QueueDeclarePassiveAsync(queue, timeout.Token);
            return declared.MessageCount;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogUnavailable(logger, queue, e.Message);
            return null;
        }
        finally
        {
            _lock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_channel is not null)
        {
            await _channel.DisposeAsync();
        }
        _lock.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not read the depth of {Queue}: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string queue, string reason);
}
