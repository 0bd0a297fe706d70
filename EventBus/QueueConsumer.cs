using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using Shop.IntegrationEvents;

namespace Shop.EventBus;

/// <summary>
/// One consuming channel of a subscriber's queue, the way every Shop subscriber runs it: declares the queue's topology
/// (<see cref="EventBusTopology.DeclareAsync"/>), sets the prefetch, consumes with manual acknowledgements and hands
/// each delivery over. A lost connection is the client's job: automatic recovery brings the channel, its prefetch and
/// its consumer back, the broker redelivers what was not acknowledged, and the topology is declared again here as a
/// second line behind the client's own topology recovery. A channel the broker closes itself (a channel error, which
/// recovery never repairs) ends the call, so that the caller opens a new one and the queue is never left without its
/// consumer.
/// </summary>
public static partial class QueueConsumer
{
    /// <summary>
    /// Consumes <paramref name="queue"/> until the broker closes the channel with a channel error, and returns its
    /// reason; throws when the channel could not be opened, declared or consumed. <paramref name="onDelivery"/> gets
    /// one delivery at a time, in queue order; its body is only valid during the call (copy what is kept).
    /// <paramref name="onConsuming"/> runs once the consumer is registered.
    /// </summary>
    public static async Task<ShutdownEventArgs> ConsumeUntilChannelErrorAsync(IConnection connection, SubscriberQueue queue, ushort prefetch,
        Func<IChannel, BasicDeliverEventArgs, Task> onDelivery, Action onConsuming, ILogger logger, CancellationToken cancellationToken)
    {
        var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
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
            Task RedeclareAsync(object? sender, AsyncEventArgs args)
            {
                // Not awaited by the recovery itself: declaring needs a channel, and the client is still finishing up.
                _ = Task.Run(() => DeclareOnFreshChannelAsync(connection, queue, logger, cancellationToken), cancellationToken);
                return Task.CompletedTask;
            }
            connection.RecoverySucceededAsync += RedeclareAsync;
            try
            {
                await EventBusTopology.DeclareAsync(channel, queue, cancellationToken).ConfigureAwait(false);
                await channel.BasicQosAsync(0, prefetch, global: false, cancellationToken).ConfigureAwait(false);
                var consumer = new AsyncEventingBasicConsumer(channel);
                consumer.ReceivedAsync += (_, delivery) => onDelivery(channel, delivery);
                await channel.BasicConsumeAsync(queue.Name, autoAck: false, consumer, cancellationToken).ConfigureAwait(false);
                LogConsuming(logger, queue.Name, prefetch);
                onConsuming();

                var reason = await closed.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
                LogChannelClosed(logger, queue.Name, reason.ReplyCode, reason.ReplyText);
                return reason;
            }
            finally
            {
                connection.RecoverySucceededAsync -= RedeclareAsync;
            }
        }
    }

    private static async Task DeclareOnFreshChannelAsync(IConnection connection, SubscriberQueue queue, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            await using (channel.ConfigureAwait(false))
            {
                await EventBusTopology.DeclareAsync(channel, queue, cancellationToken).ConfigureAwait(false);
                await channel.CloseAsync(cancellationToken).ConfigureAwait(false);
            }
            LogRedeclared(logger, queue.Name);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The recovered channel's own topology recovery declared the same entities; this is a second line.
            LogRedeclareFailed(logger, e, queue.Name);
        }
    }

    /// <summary>
    /// A channel-level error from the broker (403 access refused, 404 not found, 405 resource locked, 406
    /// precondition failed, e.g. an unknown delivery tag, a queue declared with other arguments): the connection stays
    /// up and nothing recovers the channel. A lost connection closes the channel too, but with a connection-level
    /// reason, and the client's recovery handles it.
    /// </summary>
    private static bool IsChannelError(ShutdownEventArgs args) =>
        args.Initiator == ShutdownInitiator.Peer && args.ReplyCode is 403 or 404 or 405 or 406;

    [LoggerMessage(Level = LogLevel.Information, Message = "Consuming {Queue} (prefetch {Prefetch})")]
    private static partial void LogConsuming(ILogger logger, string queue, int prefetch);

    [LoggerMessage(Level = LogLevel.Error, Message = "The broker closed the channel consuming {Queue} ({ReplyCode} {ReplyText}); opening a new one")]
    private static partial void LogChannelClosed(ILogger logger, string queue, ushort replyCode, string replyText);

    [LoggerMessage(Level = LogLevel.Information, Message = "Declared the topology of {Queue} again after the connection recovered")]
    private static partial void LogRedeclared(ILogger logger, string queue);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Declaring the topology of {Queue} after a recovery failed")]
    private static partial void LogRedeclareFailed(ILogger logger, Exception exception, string queue);
}
