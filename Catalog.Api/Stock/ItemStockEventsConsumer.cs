using System.Diagnostics;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;
using Shop.IntegrationEvents;

namespace Shop.Catalog.Api.Stock;

/// <summary>
/// Follows Ordering's stock figures as they move: consumes <see cref="ItemStocksChanged"/> from
/// <see cref="CatalogStockEventsTopology.Queue"/> and merges each into <see cref="ItemStockSnapshot"/> (which keeps, per
/// item, the latest figure by time, so repeats and late events are harmless), then acknowledges it. A message that is
/// not a valid event is dead-lettered, never acknowledged as handled. A lost connection is the client's job: automatic
/// recovery brings back the channel, its prefetch, its consumer and the declared topology, and the broker redelivers
/// what was not acknowledged. A channel closed by the broker itself (a channel error, which recovery never repairs)
/// is replaced here, after a back-off, so the queue is never left without its consumer.
/// </summary>
public sealed partial class ItemStockEventsConsumer(
    IConnection connection,
    ItemStockSnapshot snapshot,
    TimeProvider time,
    ILogger<ItemStockEventsConsumer> logger) : BackgroundService
{
    // About one event a second, each applied in microseconds: a small window is plenty.
    private const ushort Prefetch = 8;

    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield(); // not on the host's start-up path
        var failures = 0;
        try
        {
            while (true)
            {
                try
                {
                    await ConsumeUntilChannelClosedAsync(stoppingToken).ConfigureAwait(false);
                    failures = 0; // the channel worked; the broker closed it
                }
                catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    failures++;
                    LogConsumeFailed(logger, exception, CatalogStockEventsTopology.Queue, Backoff(failures));
                }
                // Even after a channel that worked: a message that makes the broker close every channel must not spin.
                await Task.Delay(Backoff(failures), time, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down; what was not acknowledged is delivered again at the next start.
        }
    }

    /// <summary>Declares, consumes, and returns once the broker closed the channel (or throws when it could not start).</summary>
    private async Task ConsumeUntilChannelClosedAsync(CancellationToken stoppingToken)
    {
        var channel = await connection.CreateChannelAsync(cancellationToken: stoppingToken).ConfigureAwait(false);
        await using (channel.ConfigureAwait(false))
        {
            var closed = new TaskCompletionSource<ShutdownEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
            channel.ChannelShutdownAsync += (_, args) =>
            {
                if (IsChannelError(args))
                {
                    closed.TrySetResult(args);
                }
                return Task.CompletedTask;
            };
            await CatalogStockEventsTopology.DeclareAsync(channel, stoppingToken).ConfigureAwait(false);
            await channel.BasicQosAsync(0, Prefetch, global: false, stoppingToken).ConfigureAwait(false);
            var consumer = new AsyncEventingBasicConsumer(channel);
            consumer.ReceivedAsync += (_, delivery) => HandleAsync(channel, delivery, stoppingToken);
            await channel.BasicConsumeAsync(CatalogStockEventsTopology.Queue, autoAck: false, consumer, stoppingToken).ConfigureAwait(false);
            LogConsuming(logger, CatalogStockEventsTopology.Queue, Prefetch);

            var reason = await closed.Task.WaitAsync(stoppingToken).ConfigureAwait(false);
            LogChannelClosed(logger, CatalogStockEventsTopology.Queue, reason.ReplyCode, reason.ReplyText);
        }
    }

    /// <summary>One delivery (one at a time, in queue order; the body is only valid during the call).</summary>
    private async Task HandleAsync(IChannel channel, BasicDeliverEventArgs delivery, CancellationToken stoppingToken)
    {
        using var activity = ItemStockEventsTracing.StartApply(delivery);
        var messageId = delivery.BasicProperties.MessageId;
        var (change, problem) = delivery.BasicProperties.Type is { } type && type != EventTopology.ItemStocksChangedType
            ? (null, $"type '{type}' is not {EventTopology.ItemStocksChangedType}")
            : ItemStocksChangedParser.Parse(delivery.Body);
        if (change is null)
        {
            // Redelivering it would fail the same way: kept aside in the dead-letter queue for someone to look at.
            LogMalformed(logger, messageId, problem);
            activity?.SetStatus(ActivityStatusCode.Error, "dead-lettered: " + problem);
            await SettleAsync(channel, delivery.DeliveryTag, c => c.BasicRejectAsync(delivery.DeliveryTag, requeue: false)).ConfigureAwait(false);
            return;
        }
        try
        {
            var applied = snapshot.Merge(change);
            LogMerged(logger, change.EventId, change.OccurredAt, applied, change.Items.Count);
            await SettleAsync(channel, delivery.DeliveryTag, c => c.BasicAckAsync(delivery.DeliveryTag, multiple: false)).ConfigureAwait(false);
        }
        catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
        {
            // Not the message's fault: put it back for another try, a moment later (it holds up the queue meanwhile,
            // which keeps the figures in order).
            LogMergeFailed(logger, exception, messageId);
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
            try
            {
                await Task.Delay(FirstRetryDelay, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return; // shutting down: the broker puts it back when the channel closes
            }
            await SettleAsync(channel, delivery.DeliveryTag, c => c.BasicNackAsync(delivery.DeliveryTag, multiple: false, requeue: true)).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Acknowledges or rejects on the delivery's channel. When that channel has gone the broker has put the message
    /// back already and delivers it again; a repeat merges as a no-op, so a lost settlement is no error.
    /// </summary>
    private async Task SettleAsync(IChannel channel, ulong deliveryTag, Func<IChannel, ValueTask> settle)
    {
        try
        {
            await settle(channel).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is AlreadyClosedException or OperationInterruptedException or ObjectDisposedException or IOException)
        {
            LogSettleLost(logger, deliveryTag, exception.Message);
        }
    }

    /// <summary>
    /// A channel-level error from the broker (403, 404, 405, 406: e.g. an unknown delivery tag, a queue declared with
    /// other arguments): the connection stays up and nothing recovers the channel. A lost connection closes it too,
    /// with a connection-level reason, and the client's recovery handles that.
    /// </summary>
    private static bool IsChannelError(ShutdownEventArgs args) =>
        args.Initiator == ShutdownInitiator.Peer && args.ReplyCode is 403 or 404 or 405 or 406;

    private static TimeSpan Backoff(int failures)
    {
        var delay = FirstRetryDelay * Math.Pow(2, Math.Min(Math.Max(failures - 1, 0), 10));
        return delay < MaxRetryDelay ? delay : MaxRetryDelay;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Consuming {Queue} (prefetch {Prefetch}).")]
    private static partial void LogConsuming(ILogger logger, string queue, int prefetch);

    [LoggerMessage(Level = LogLevel.Error, Message = "Consuming {Queue} failed; opening a new channel in {Delay}.")]
    private static partial void LogConsumeFailed(ILogger logger, Exception exception, string queue, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error, Message = "The broker closed the channel consuming {Queue} ({ReplyCode} {ReplyText}); opening a new one.")]
    private static partial void LogChannelClosed(ILogger logger, string queue, ushort replyCode, string replyText);

    [LoggerMessage(Level = LogLevel.Debug, Message = "ItemStocksChanged {EventId} of {OccurredAt}: {Applied} of {Count} figure(s) applied (the others were older than the snapshot's).")]
    private static partial void LogMerged(ILogger logger, Guid eventId, DateTimeOffset occurredAt, int applied, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Ordering's stock event {MessageId} is malformed ({Problem}): dead-lettered.")]
    private static partial void LogMalformed(ILogger logger, string? messageId, string? problem);

    [LoggerMessage(Level = LogLevel.Error, Message = "Applying Ordering's stock event {MessageId} failed; it goes back to the queue.")]
    private static partial void LogMergeFailed(ILogger logger, Exception exception, string? messageId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Could not settle delivery {DeliveryTag} ({Reason}): its channel is gone and the broker will deliver it again.")]
    private static partial void LogSettleLost(ILogger logger, ulong deliveryTag, string reason);
}
