using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using Shop.Catalog.Api.Data;
using Shop.Catalog.Api.Infrastructure;
using Shop.EventBus;
using Shop.Catalog.Data;
using Shop.IntegrationEvents;
using Shop.ServiceDefaults.Resilience;

namespace Shop.Catalog.Api.Messaging;

/// <summary>
/// Publishes the outbox: claims pending rows (<c>FOR UPDATE SKIP LOCKED</c>, so replicas never publish the same row
/// at once), publishes each to <see cref="EventTopology.Exchange"/> as a persistent, mandatory message on a channel
/// with publisher confirms, and marks it sent only after the broker confirmed it, in the same transaction that
/// claimed it. A message the broker returns (no queue bound yet) or refuses is retried with exponential back-off;
/// a lost connection rolls the round back and is retried as well. Delivery is at least once: subscribers
/// deduplicate by event id and version. Woken by <see cref="OutboxSignal"/> after each commit, and polls besides.
/// A row saved during a traced request is published under a span of that trace, a child of the admin's request (its
/// traceparent was saved with the row, since publishing happens later, on another thread, often after a restart), and
/// the parent the subscriber continues from. The channel and the message are <see cref="EventPublisher"/>'s.
/// </summary>
public sealed partial class OutboxPublisher(
    IServiceScopeFactory scopes,
    IConnection rabbitMQ,
    OutboxSignal signal,
    IOptions<OutboxOptions> options,
    TimeProvider time,
    ILogger<OutboxPublisher> logger) : BackgroundService
{
    private static readonly TimeSpan CleanupInterval = TimeSpan.FromHours(1);

    // Mandatory: Ordering must arm every sale, so an announcement made before its queue exists is returned and kept.
    private readonly EventPublisher _publisher = new(rabbitMQ,
        new EventPublisherSettings(AppId: "catalog-api", Mandatory: true, CatalogTracing.Source, SpanPrefix: "outbox publish "), logger);

    // No jitter: a row's next attempt is documented, and read, as "1 s doubling to 30 s".
    private readonly Backoff _backoff = new(options.Value.FirstRetryDelay, options.Value.MaxRetryDelay);

    private DateTimeOffset _nextCleanup;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var settings = options.Value;
        var failures = 0;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                TimeSpan wait;
                try
                {
                    var (claimed, published) = await PublishBatchAsync(settings, stoppingToken).ConfigureAwait(false);
                    if (failures > 0)
                    {
                        LogRecovered(logger);
                    }
                    failures = 0;
                    if (claimed == settings.BatchSize && published > 0)
                    {
                        continue; // there may be more
                    }
                    wait = settings.PollInterval;
                    await DeleteOldSentRowsAsync(settings, stoppingToken).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    failures++;
                    wait = _backoff.Delay(failures - 1);
                    LogRoundFailed(logger, exception, wait);
                    await _publisher.ResetAsync().ConfigureAwait(false);
                }
                await signal.WaitAsync(wait, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down; unsent rows stay pending for the next start (or another replica).
        }
        finally
        {
            await _publisher.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>One round: claim due rows, publish them, record the outcome. Returns how many were claimed and sent.</summary>
    private async Task<(int Claimed, int Published)> PublishBatchAsync(OutboxOptions settings, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();
        // The broker first (it may take a while to reach): rows are claimed only once there is a channel to send on.
        var due = time.GetUtcNow();
        if (!await db.OutboxMessages.AnyAsync(m => m.SentAt == null && m.NextAttemptAt <= due, cancellationToken).ConfigureAwait(false))
        {
            return (0, 0);
        }
        await _publisher.OpenAsync(cancellationToken).ConfigureAwait(false);

        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async token =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(token).ConfigureAwait(false);
            var now = time.GetUtcNow();
            var batch = await db.OutboxMessages
                .FromSql($"""
                    SELECT * FROM outbox_messages
                    WHERE sent_at IS NULL AND next_attempt_at <= {now}
                    ORDER BY occurred_at
                    LIMIT {settings.BatchSize}
                    FOR UPDATE SKIP LOCKED
                    """)
                .ToListAsync(token).ConfigureAwait(false);
            if (batch.Count == 0)
            {
                return (0, 0);
            }

            var published = 0;
            foreach (var message in batch)
            {
                try
                {
                    await _publisher.PublishAsync(new OutgoingEvent(message.Id, message.Type, message.RoutingKey, message.Payload,
                        message.TraceParent, message.OccurredAt), token).ConfigureAwait(false);
                    message.SentAt = time.GetUtcNow();
                    message.LastError = null;
                    published++;
                    LogPublished(logger, message.Type, message.Id);
                }
                catch (PublishException exception)
                {
                    message.Attempts++;
                    var delay = _backoff.Delay(message.Attempts - 1);
                    message.NextAttemptAt = time.GetUtcNow() + delay;
                    message.LastError = exception.IsReturn
                        ? $"Returned by the broker: no queue is bound to '{EventTopology.Exchange}' for '{message.RoutingKey}' yet."
                        : "Refused (nack) by the broker.";
                    if (!exception.IsReturn || message.Attempts == 1 || message.Attempts % 10 == 0)
                    {
                        LogNotPublished(logger, message.Type, message.Id, message.LastError, message.Attempts, delay);
                    }
                }
            }
            await db.SaveChangesAsync(token).ConfigureAwait(false);
            await transaction.CommitAsync(token).ConfigureAwait(false);
            return (batch.Count, published);
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task DeleteOldSentRowsAsync(OutboxOptions settings, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (now < _nextCleanup)
        {
            return;
        }
        _nextCleanup = now + CleanupInterval;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();
        var cutoff = now - settings.SentRetention;
        var deleted = await db.OutboxMessages.Where(m => m.SentAt != null && m.SentAt < cutoff)
            .ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        if (deleted > 0)
        {
            LogCleaned(logger, deleted, settings.SentRetention);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Published {Type} {EventId}.")]
    private static partial void LogPublished(ILogger logger, string type, Guid eventId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Type} {EventId} not published: {Reason} Attempt {Attempts}; next in {Delay}.")]
    private static partial void LogNotPublished(ILogger logger, string type, Guid eventId, string reason, int attempts, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox round failed; retrying in {Delay}.")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox publishing works again.")]
    private static partial void LogRecovered(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} outbox row(s) sent more than {Retention} ago.")]
    private static partial void LogCleaned(ILogger logger, int count, TimeSpan retention);
}
