using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using Shop.Ordering.Worker.Infrastructure;

namespace Shop.Ordering.Worker.Messaging;

/// <summary>
/// Owns one consuming channel: declares the queue's topology, sets the prefetch, consumes, and hands each delivery
/// to <see cref="OnDeliveryAsync"/>. A lost connection is the client's job (automatic recovery brings the channel,
/// its prefetch and its consumer back; the broker redelivers whatever was unacknowledged), after which the topology
/// is declared again. A channel closed by the broker itself (a channel error, which recovery never repairs) is
/// replaced here, so the queue is never left without its consumer.
/// </summary>
public abstract partial class ConsumerService(
    IConnection connection,
    ConsumerReadiness readiness,
    WorkerOptions options,
    ILogger logger) : BackgroundService
{
    protected WorkerOptions Options { get; } = options;

    protected ILogger Logger { get; } = logger;

    protected abstract string QueueName { get; }

    protected abstract ushort Prefetch { get; }

    /// <summary>Idempotent: runs on every new channel and after every connection recovery.</summary>
    protected abstract Task DeclareTopologyAsync(IChannel channel, CancellationToken cancellationToken);

    /// <summary>
    /// Handles one delivery. The body is only valid during the call: copy what is kept. Deliveries of one channel
    /// arrive one at a time, in queue order.
    /// </summary>
    protected abstract Task OnDeliveryAsync(IChannel channel, BasicDeliverEventArgs delivery, CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = new Backoff(Options.RetryBaseDelay, Options.RetryMaxDelay);
        for (var attempt = 0; !stoppingToken.IsCancellationRequested;)
        {
            try
            {
                await ConsumeUntilChannelLostAsync(stoppingToken);
                attempt = 0;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogConsumeFailed(Logger, e, QueueName);
                await Task.Delay(backoff.Delay(attempt++), stoppingToken);
            }
        }
    }

    private async Task ConsumeUntilChannelLostAsync(CancellationToken stoppingToken)
    {
        await using var channel = await connection.CreateChannelAsync(cancellationToken: stoppingToken);
        var lost = new TaskCompletionSource<ShutdownEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        channel.ChannelShutdownAsync += (_, args) =>
        {
            if (IsChannelError(args))
            {
                lost.TrySetResult(args);
            }
            return Task.CompletedTask;
        };
        Task RedeclareAsync(object? sender, AsyncEventArgs args)
        {
            // Not awaited by the recovery itself: declaring needs a channel, and the client is still finishing up.
            _ = Task.Run(() => DeclareOnFreshChannelAsync(stoppingToken), stoppingToken);
            return Task.CompletedTask;
        }
        connection.RecoverySucceededAsync += RedeclareAsync;
        try
        {
            await DeclareTopologyAsync(channel, stoppingToken);
            await channel.BasicQosAsync(0, Prefetch, global: false, stoppingToken);
            var consumer = new AsyncEventingBasicConsumer(channel);
            consumer.ReceivedAsync += (_, delivery) => OnDeliveryAsync(channel, delivery, stoppingToken);
            await channel.BasicConsumeAsync(QueueName, autoAck: false, consumer, stoppingToken);
            LogConsuming(Logger, QueueName, Prefetch);
            readiness.Started(QueueName);

            var reason = await lost.Task.WaitAsync(stoppingToken);
            LogChannelClosed(Logger, QueueName, reason.ReplyCode, reason.ReplyText);
        }
        finally
        {
            connection.RecoverySucceededAsync -= RedeclareAsync;
        }
    }

    private async Task DeclareOnFreshChannelAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
            await DeclareTopologyAsync(channel, cancellationToken);
            await channel.CloseAsync(cancellationToken);
            LogRedeclared(Logger, QueueName);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The recovered channel's own topology recovery declared the same entities; this is a second line.
            LogRedeclareFailed(Logger, e, QueueName);
        }
    }

    /// <summary>
    /// A channel-level error from the broker (403 access refused, 404 not found, 405 resource locked, 406
    /// precondition failed, e.g. an unknown delivery tag): the connection stays up and nothing recovers the channel.
    /// A lost connection closes the channel too, but with a connection-level reason, and recovery handles it.
    /// </summary>
    private static bool IsChannelError(ShutdownEventArgs args) =>
        args.Initiator == ShutdownInitiator.Peer && args.ReplyCode is 403 or 404 or 405 or 406;

    [LoggerMessage(Level = LogLevel.Information, Message = "Consuming {Queue} (prefetch {Prefetch})")]
    private static partial void LogConsuming(ILogger logger, string queue, int prefetch);

    [LoggerMessage(Level = LogLevel.Error, Message = "Consuming {Queue} failed; opening a new channel")]
    private static partial void LogConsumeFailed(ILogger logger, Exception exception, string queue);

    [LoggerMessage(Level = LogLevel.Error, Message = "The broker closed the channel consuming {Queue} ({ReplyCode} {ReplyText}); opening a new one")]
    private static partial void LogChannelClosed(ILogger logger, string queue, ushort replyCode, string replyText);

    [LoggerMessage(Level = LogLevel.Information, Message = "Declared the topology of {Queue} again after the connection recovered")]
    private static partial void LogRedeclared(ILogger logger, string queue);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Declaring the topology of {Queue} after a recovery failed")]
    private static partial void LogRedeclareFailed(ILogger logger, Exception exception, string queue);
}
