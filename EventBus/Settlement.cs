using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Shop.EventBus;

/// <summary>
/// Acknowledges, dead-letters or requeues deliveries on the channel they came from. When that channel has gone
/// (connection lost, channel replaced) the broker has already put the messages back and will deliver them again, so
/// a failed settlement is not an error: every subscriber applies a repeat as a no-op. The client also ignores
/// delivery tags that belong to a channel's life before a recovery. Each returns whether the settlement reached the
/// channel.
/// </summary>
public static partial class Settlement
{
    public static Task<bool> AckAsync(IChannel channel, ulong deliveryTag, ILogger logger, bool multiple = false) =>
        SettleAsync(() => channel.BasicAckAsync(deliveryTag, multiple), "acknowledge", deliveryTag, logger);

    /// <summary>Rejects without requeue: the queue's dead-letter exchange takes the message.</summary>
    public static Task<bool> DeadLetterAsync(IChannel channel, ulong deliveryTag, ILogger logger) =>
        SettleAsync(() => channel.BasicRejectAsync(deliveryTag, requeue: false), "dead-letter", deliveryTag, logger);

    /// <summary>Puts the message back at the head of its queue, for another try.</summary>
    public static Task<bool> RequeueAsync(IChannel channel, ulong deliveryTag, ILogger logger) =>
        SettleAsync(() => channel.BasicNackAsync(deliveryTag, multiple: false, requeue: true), "requeue", deliveryTag, logger);

    // A function, not the call's task: a closed channel may throw before it returns one.
    private static async Task<bool> SettleAsync(Func<ValueTask> settle, string action, ulong deliveryTag, ILogger logger)
    {
        try
        {
            await settle().ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is AlreadyClosedException or OperationInterruptedException or ObjectDisposedException or IOException)
        {
            LogLost(logger, action, deliveryTag, e.Message);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Could not {Action} delivery {DeliveryTag} ({Reason}): its channel is gone and the broker will deliver it again")]
    private static partial void LogLost(ILogger logger, string action, ulong deliveryTag, string reason);
}
