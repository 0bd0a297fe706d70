using Microsoft.Extensions.Options;
using Shop.Ordering.Core.Redis;
using Shop.Ordering.Worker.Gate;
using Shop.Ordering.Worker.Infrastructure;
using Shop.Ordering.Worker.Telemetry;
using StackExchange.Redis;
using Shop.ServiceDefaults.Resilience;

namespace Shop.Ordering.Worker.Reservations;

/// <summary>
/// What happens to one batch of stream entries: persist in one transaction, then settle them in the gate
/// (settle.lua: acknowledged, deleted, their units out of "pending") — never settling before the commit. When the
/// batch fails:
/// <list type="bullet">
/// <item>an outage (database unreachable, deadlock, …) is retried with back-off for as long as it lasts, and never
/// counts towards parking: a reservation the gate accepted must not be set aside because Postgres was restarting;</item>
/// <item>any other failure is retried a few times (<see cref="WorkerOptions.BatchAttempts"/>), then the batch is split
/// so that one bad reservation cannot hold the others back; a reservation that still fails after
/// <see cref="WorkerOptions.MessageAttempts"/> is parked (park.lua) for an operator.</item>
/// </list>
/// An entry that is not a reservation at all is parked at once. A settlement that fails after the commit (the gate
/// unreachable) leaves the entries pending for this consumer: the next batch reads them again, the insert finds
/// them (<c>ON CONFLICT DO NOTHING</c>) and settles them then.
/// </summary>
public sealed partial class BatchProcessor(
    OrderBatchWriter writer,
    GateClient gate,
    GateMoves moves,
    WorkerMetrics metrics,
    IOptions<WorkerOptions> options,
    ILogger<BatchProcessor> logger)
{
    private readonly Backoff _backoff = options.Value.RetryBackoff();

    public async Task ProcessAsync(IReadOnlyList<GateStreamEntry> batch, CancellationToken cancellationToken)
    {
        var reservations = new List<GateStreamEntry>(batch.Count);
        var deleted = new List<GateStreamEntry>();
        foreach (var entry in batch)
        {
            if (entry.Raw == GateStreamEntry.Deleted)
            {
                // Deleted while pending (by an operator): nothing to persist, only to acknowledge.
                deleted.Add(entry);
            }
            else if ((entry.Reservation is null ? "not a reservation: " + entry.Raw : ReservationChecks.ProblemOf(entry.Reservation)) is { } problem)
            {
                LogPoison(logger, entry.Id, problem);
                await ParkAsync(entry, "poison");
            }
            else
            {
                reservations.Add(entry);
            }
        }
        if (deleted.Count > 0)
        {
            await SettleAsync(deleted);
        }
        if (reservations.Count == 0)
        {
            return;
        }
        if (reservations.Count > 1 && await TryAsBatchAsync(reservations, cancellationToken))
        {
            return;
        }
        foreach (var entry in reservations)
        {
            await ProcessAloneAsync(entry, cancellationToken);
        }
    }

    private async Task<bool> TryAsBatchAsync(List<GateStreamEntry> entries, CancellationToken cancellationToken)
    {
        for (int failures = 0, outages = 0; ;)
        {
            try
            {
                await PersistAndSettleAsync(entries, cancellationToken);
                return true;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && Failures.IsTransient(e))
            {
                LogOutage(logger, entries.Count, e.Message, outages + 1);
                await Task.Delay(_backoff.Delay(outages++), cancellationToken);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                failures++;
                // A refused ledger update was logged as an error with its figures already; its stack trace adds nothing.
                LogBatchFailed(logger, e is LedgerRefusedException ? null : e, e.Message, entries.Count, failures, options.Value.BatchAttempts);
                if (failures >= options.Value.BatchAttempts)
                {
                    return false;
                }
                await Task.Delay(_backoff.Delay(failures - 1), cancellationToken);
            }
        }
    }

    private async Task ProcessAloneAsync(GateStreamEntry entry, CancellationToken cancellationToken)
    {
        for (int failures = 0, outages = 0; ;)
        {
            try
            {
                await PersistAndSettleAsync([entry], cancellationToken);
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
                    LogParked(logger, e is LedgerRefusedException ? null : e, entry.Reservation!.OrderId, entry.Reservation.StockId, failures, e.Message);
                    await ParkAsync(entry, e is LedgerRefusedException ? "refused" : "failed");
                    return;
                }
                await Task.Delay(_backoff.Delay(failures - 1), cancellationToken);
            }
        }
    }

    private async Task PersistAndSettleAsync(IReadOnlyList<GateStreamEntry> entries, CancellationToken cancellationToken)
    {
        // The batch's span (and the Postgres spans under it) continues one traced order's trace and links every one.
        using var span = BatchTracing.StartPersist(entries);
        var reservations = entries.Select(e => e.Reservation!).ToList();
        // The move starts just before the commit (the reconciler must not measure between it and the settlement).
        GateMoves.Move? move = null;
        try
        {
            var inserted = await writer.PersistAsync(reservations, () => move = moves.Begin(), cancellationToken);
            metrics.Persisted(inserted.Count, entries.Count);
            metrics.Durable(reservations, inserted);
            // Committed: from here on the batch is durable and must not fail. Settling covers every entry, not only the
            // orders this transaction inserted: an entry read again after a crash was committed by the batch before.
            await SettleAsync(entries);
        }
        finally
        {
            move?.Dispose();
        }
    }

    /// <summary>Settles entries whose orders are committed; a failure leaves them pending for the next batch.</summary>
    private async Task SettleAsync(IReadOnlyList<GateStreamEntry> entries)
    {
        try
        {
            await gate.SettleAsync(LedgerStream.Group, entries);
            moves.Settled(entries.Select(e => e.Id));
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogSettleDeferred(logger, entries.Count, e.Message);
            moves.SettleFailed(entries.Where(e => e.Reservation is not null).Select(e =>
                (e.Id, e.Reservation!.ToOrderRows().Select(o => (o.StockId, o.Quantity)).ToArray())));
        }
    }

    private async Task ParkAsync(GateStreamEntry entry, string reason)
    {
        try
        {
            if (await gate.ParkAsync(LedgerStream.Group, entry.Id, reason))
            {
                metrics.Parked(reason);
            }
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // Still pending for this consumer: read and judged again with the next batch.
            LogParkDeferred(logger, entry.Id, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Stream entry {EntryId} is not a valid reservation ({Problem}): parked in ordering:reservations:parked")]
    private static partial void LogPoison(ILogger logger, string entryId, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Persisting {Count} reservations waits for an outage to end ({Reason}); retry {Attempt}")]
    private static partial void LogOutage(ILogger logger, int count, string reason, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A batch of {Count} reservations failed (attempt {Attempt} of {Attempts}; after the last it is split): {Reason}")]
    private static partial void LogBatchFailed(ILogger logger, Exception? exception, string reason, int count, int attempt, int attempts);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reservation {OrderId} of stock {StockId} failed {Attempts} times, parked in ordering:reservations:parked: {Reason}")]
    private static partial void LogParked(ILogger logger, Exception? exception, Guid orderId, Guid stockId, int attempts, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} reservations are durable but settling them in the gate failed ({Reason}); they are settled with the next batch")]
    private static partial void LogSettleDeferred(ILogger logger, int count, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Parking stream entry {EntryId} failed ({Reason}); it is judged again with the next batch")]
    private static partial void LogParkDeferred(ILogger logger, string entryId, string reason);
}
