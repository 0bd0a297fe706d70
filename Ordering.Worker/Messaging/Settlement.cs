using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Shop.Ordering.Worker.Messaging;

/// <summary>
/// Acknowledges and rejects deliveries on the channel they came from. When that channel has gone (connection lost,
/// channel replaced) the broker has already put the messages back and will deliver them again, so a failed
/// settlement is not an error: the redelivery is idempotent. The client also ignores delivery tags that belong to
/// a channel's life before a recovery.
/// </summary>
public static partial class Settlement
{
    public static async Task<bool> AckAsync(IChannel channel, ulong deliveryTag, bool multiple, ILogger logger)
    {
        try
        {
            await channel.BasicAckAsync(deliveryTag, multiple);
            return true;
        }
        catch (Exception e) when (e is AlreadyClosedException or OperationInterruptedException or ObjectDisposedException or IOException)
        {
            LogLost(logger, "acknowledge", deliveryTag, e.Message);
            return false;
        }
    }

    /// <summary>Rejects without requeue: the queue's dead-letter exchange takes the message.</summary>
    public static async Task<bool> DeadLetterAsync(IChannel channel, ulong deliveryTag, ILogger logger)
    {
        try
        {
            await channel.BasicRejectAsync(deliveryTag, requeue: false);
            return true;
        }
        catch (Exception e) when (e is AlreadyClosedException or OperationInterruptedException or ObjectDisposedException or IOException)
        {
            LogLost(logger, "dead-letter", deliveryTag, e.Message);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Could not {Action} delivery {DeliveryTag} ({Reason}): its channel is gone and the broker will deliver it again")]
    private static partial void LogLost(ILogger logger, string action, ulong deliveryTag, string reason);
}
