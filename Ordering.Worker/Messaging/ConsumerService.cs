using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using Shop.EventBus;
using Shop.IntegrationEvents;
using Shop.Ordering.Worker.Infrastructure;

namespace Shop.Ordering.Worker.Messaging;

/// <summary>
/// Keeps one subscriber queue consumed (the migrations resource has readied the schema before the worker starts): the
/// channel itself is <see cref="QueueConsumer"/>'s; when the broker closes it, a new one is opened at once, and when it cannot be opened,
/// one is tried again after a back-off. Each delivery goes to <see cref="OnDeliveryAsync"/>; the queue counts as
/// started (<see cref="ConsumerReadiness"/>) once it is consumed the first time.
/// </summary>
public abstract partial class ConsumerService(
    IConnection connection,
    ConsumerReadiness readiness,
    WorkerOptions options,
    ILogger logger) : BackgroundService
{
    protected WorkerOptions Options { get; } = options;

    protected ILogger Logger { get; } = logger;

    protected abstract SubscriberQueue Queue { get; }

    protected abstract ushort Prefetch { get; }

    /// <summary>
    /// Handles one delivery. The body is only valid during the call: copy what is kept. Deliveries of one channel
    /// arrive one at a time, in queue order.
    /// </summary>
    protected abstract Task OnDeliveryAsync(IChannel channel, BasicDeliverEventArgs delivery, CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = Options.RetryBackoff();
        for (var attempt = 0; !stoppingToken.IsCancellationRequested;)
        {
            try
            {
                await QueueConsumer.ConsumeUntilChannelErrorAsync(connection, Queue, Prefetch,
                    (channel, delivery) => OnDeliveryAsync(channel, delivery, stoppingToken), () => readiness.Started(Queue.Name), Logger, stoppingToken);
                attempt = 0;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogConsumeFailed(Logger, e, Queue.Name);
                await Task.Delay(backoff.Delay(attempt++), stoppingToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Consuming {Queue} failed; opening a new channel")]
    private static partial void LogConsumeFailed(ILogger logger, Exception exception, string queue);
}
