using Microsoft.Extensions.Options;
using Shop.Ordering.Core.Messaging;
using Shop.Ordering.Worker.Infrastructure;
using Shop.Ordering.Worker.Messaging;
using Shop.Ordering.Worker.Telemetry;

namespace Shop.Ordering.Worker.Reservations;

/// <summary>
/// What happens to one batch of deliveries: persist in one transaction, tell the gate, acknowledge — never
/// acknowledging before the commit. When the batch fails:
/// <list type="bullet">
/// <item>an outage (database unreachable, deadlock, …) is retried with back-off for as long as it lasts, and never
/// counts towards dead-lettering: a reservation the gate accepted must not be discarded because Postgres was
/// restarting;</item>
/// <item>any other failure is retried a few times (<see cref="WorkerOptions.BatchAttempts"/>), then the batch is split
/// so that one bad reservation cannot hold the others back; a reservation that still fails after
/// <see cref="WorkerOptions.MessageAttempts"/> goes to the dead-letter queue.</item>
/// </list>
/// A message that is not a reservation at all goes to the dead-letter queue at once.
/// </summary>
public sealed partial class BatchProcessor(
    OrderBatchWriter writer,
    GateConfirmations confirmations,
    ReservationBuffer buffer,
    WorkerMetrics metrics,
    IOptions<WorkerOptions> options,
    ILogger<BatchProcessor> logger)
{
    private readonly Backoff _backoff = new(options.Value.RetryBaseDelay, options.Value.RetryMaxDelay);

    public async Task ProcessAsync(IReadOnlyList<Delivery> batch, CancellationToken cancellationToken)
    {
        try
        {
            // Poison is settled first, so the multiple-acknowledge below never covers a tag settled after it.
            var reservations = new List<Delivery>(batch.Count);
            foreach (var delivery in batch)
            {
                if (delivery.Reservation is null)
                {
                    LogPoison(logger, delivery.MessageId, delivery.Problem);
                    await DeadLetterAsync(delivery, "poison");
                }
                else
                {
                    reservations.Add(delivery);
                }
            }
            if (reservations.Count == 0)
            {
                return;
            }
            if (reservations.Count > 1 && await TryAsBatchAsync(reservations, cancellationToken))
            {
                return;
            }
            foreach (var delivery in reservations)
            {
                await ProcessAloneAsync(delivery, cancellationToken);
            }
        }
        finally
        {
            buffer.Settled(batch.Count);
        }
    }

    private async Task<bool> TryAsBatchAsync(List<Delivery> deliveries, CancellationToken cancellationToken)
    {
        for (int failures = 0, outages = 0; ;)
        {
            try
            {
                await PersistAndAcknowledgeAsync(deliveries, cancellationToken);
                return true;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && Failures.IsTransient(e))
            {
                LogOutage(logger, deliveries.Count, e.Message, outages + 1);
                await Task.Delay(_backoff.Delay(outages++), cancellationToken);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                failures++;
                // A refused ledger update was logged as an error with its figures already; its stack trace adds nothing.
                LogBatchFailed(logger, e is LedgerRefusedException ? null : e, e.Message, deliveries.Count, failures, options.Value.BatchAttempts);
                if (failures >= options.Value.BatchAttempts)
                {
                    return false;
                }
                await Task.Delay(_backoff.Delay(failures - 1), cancellationToken);
            }
        }
    }

    private async Task ProcessAloneAsync(Delivery delivery, CancellationToken cancellationToken)
    {
        for (int failures = 0, outages = 0; ;)
        {
            try
            {
                await PersistAndAcknowledgeAsync([delivery], cancellationToken);
                return;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && Failures.IsTransient(e))
            {
                LogOutage(logger, 1, e.Message, outages + 1);
                await Task.Delay(_backoff.Delay(outages++), cancellationToken);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                failures++;
                if (failures >= options.Value.MessageAttempts)
                {
                    LogDeadLettered(logger, e is LedgerRefusedException ? null : e, delivery.Reservation!.OrderId, delivery.Reservation.SaleId, failures, e.Message);
                    await DeadLetterAsync(delivery, e is LedgerRefusedException ? "refused" : "failed");
                    return;
                }
                await Task.Delay(_backoff.Delay(failures - 1), cancellationToken);
            }
        }
    }

    private async Task PersistAndAcknowledgeAsync(IReadOnlyList<Delivery> deliveries, CancellationToken cancellationToken)
    {
        // The batch's span (and the Postgres spans under it) continues one traced order's trace and links every one.
        using var span = BatchTracing.StartPersist(deliveries);
        var inserted = await writer.PersistAsync([.. deliveries.Select(d => d.Reservation!)], cancellationToken);
        metrics.Persisted(inserted.Count, deliveries.Count);
        metrics.Durable(deliveries.Select(d => d.Reservation!), inserted);

        // Committed: from here on the batch is durable and must not fail. Only orders this transaction inserted
        // are confirmed; a redelivered one was confirmed by the batch that inserted it (or is left to the confirmer).
        try
        {
            await confirmations.ConfirmAsync(inserted, cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            LogConfirmationDeferred(logger, inserted.Count, e.Message);
        }

        // Deliveries of one channel are consecutive and every earlier one is settled: one multiple-ack per channel.
        foreach (var channel in deliveries.GroupBy(d => d.Channel))
        {
            var last = channel.Max(d => d.DeliveryTag);
            await Settlement.AckAsync(channel.Key, last, multiple: channel.Count() > 1, logger);
        }
    }

    private async Task DeadLetterAsync(Delivery delivery, string reason)
    {
        if (await Settlement.DeadLetterAsync(delivery.Channel, delivery.DeliveryTag, logger))
        {
            metrics.DeadLettered(OrderingTopology.ReservationsQueue, reason);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Message {MessageId} is not a valid reservation ({Problem}): dead-lettered")]
    private static partial void LogPoison(ILogger logger, string? messageId, string? problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Persisting {Count} reservations waits for an outage to end ({Reason}); retry {Attempt}")]
    private static partial void LogOutage(ILogger logger, int count, string reason, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A batch of {Count} reservations failed (attempt {Attempt} of {Attempts}; after the last it is split): {Reason}")]
    private static partial void LogBatchFailed(ILogger logger, Exception? exception, string reason, int count, int attempt, int attempts);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reservation {OrderId} of sale {SaleId} failed {Attempts} times, dead-lettered: {Reason}")]
    private static partial void LogDeadLettered(ILogger logger, Exception? exception, Guid orderId, Guid saleId, int attempts, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} orders are durable but confirming them to the gate failed ({Reason}); the gate confirmer retries")]
    private static partial void LogConfirmationDeferred(ILogger logger, int count, string reason);
}
