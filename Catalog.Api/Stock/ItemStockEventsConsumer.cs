using System.Diagnostics;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using Shop.Catalog.Api.Infrastructure;
using Shop.EventBus;
using Shop.IntegrationEvents;
using Shop.ServiceDefaults.Resilience;

namespace Shop.Catalog.Api.Stock;

/// <summary>
/// Follows Ordering's stock figures as they move: consumes <see cref="ItemStocksChanged"/> from
/// <see cref="EventTopology.CatalogOrderingEvents"/> and merges each into <see cref="ItemStockSnapshot"/> (which keeps, per
/// item, the latest figure by time, so repeats and late events are harmless), then acknowledges it. A message that is
/// not a valid event is dead-lettered, never acknowledged as handled. The channel is <see cref="QueueConsumer"/>'s
/// (a lost connection is the client's recovery); one the broker closes, or that could not be opened, is replaced here
/// after a back-off, so the queue is never left without its consumer. An event carrying a traceparent (Ordering's
/// publish) is applied under a span continuing that trace; one without gets no span: they come about once a second,
/// and a root span each would only bury the traces that matter.
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

    private static readonly Backoff Backoff = new(FirstRetryDelay, TimeSpan.FromSeconds(30));

    private static SubscriberQueue Queue => EventTopology.CatalogOrderingEvents;

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
                    await QueueConsumer.ConsumeUntilChannelErrorAsync(connection, Queue, Prefetch,
                        (channel, delivery) => HandleAsync(channel, delivery, stoppingToken), () => { }, logger, stoppingToken).ConfigureAwait(false);
                    failures = 0; // the channel worked; the broker closed it
                }
                catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    failures++;
                    LogConsumeFailed(logger, exception, Queue.Name, Backoff.Delay(failures - 1));
                }
                // Even after a channel that worked: a message that makes the broker close every channel must not spin.
                await Task.Delay(Backoff.Delay(failures - 1), time, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down; what was not acknowledged is delivered again at the next start.
        }
    }

    /// <summary>One delivery (one at a time, in queue order; the body is only valid during the call).</summary>
    private async Task HandleAsync(IChannel channel, BasicDeliverEventArgs delivery, CancellationToken stoppingToken)
    {
        using var activity = MessageTracing.StartConsume(CatalogTracing.Source, "apply " + EventTopology.ItemStocksChangedType, delivery,
            rootWhenUntraced: false);
        var messageId = delivery.BasicProperties.MessageId;
        var (change, problem) = delivery.BasicProperties.Type is { } type && type != EventTopology.ItemStocksChangedType
            ? (null, $"type '{type}' is not {EventTopology.ItemStocksChangedType}")
            : ItemStocksChangedParser.Parse(delivery.Body);
        if (change is null)
        {
            // Redelivering it would fail the same way: kept aside in the dead-letter queue for someone to look at.
            LogMalformed(logger, messageId, problem);
            activity?.SetStatus(ActivityStatusCode.Error, "dead-lettered: " + problem);
            await Settlement.DeadLetterAsync(channel, delivery.DeliveryTag, logger).ConfigureAwait(false);
            return;
        }
        try
        {
            var applied = snapshot.Merge(change);
            LogMerged(logger, change.EventId, change.OccurredAt, applied, change.Items.Count);
            await Settlement.AckAsync(channel, delivery.DeliveryTag, logger).ConfigureAwait(false);
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
            await Settlement.RequeueAsync(channel, delivery.DeliveryTag, logger).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Consuming {Queue} failed; opening a new channel in {Delay}.")]
    private static partial void LogConsumeFailed(ILogger logger, Exception exception, string queue, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Debug, Message = "ItemStocksChanged {EventId} of {OccurredAt}: {Applied} of {Count} figure(s) applied (the others were older than the snapshot's).")]
    private static partial void LogMerged(ILogger logger, Guid eventId, DateTimeOffset occurredAt, int applied, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Ordering's stock event {MessageId} is malformed ({Problem}): dead-lettered.")]
    private static partial void LogMalformed(ILogger logger, string? messageId, string? problem);

    [LoggerMessage(Level = LogLevel.Error, Message = "Applying Ordering's stock event {MessageId} failed; it goes back to the queue.")]
    private static partial void LogMergeFailed(ILogger logger, Exception exception, string? messageId);
}
