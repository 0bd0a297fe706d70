using System.Diagnostics;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using Shop.Catalog.Api.Data;
using Shop.Catalog.Data;
using Shop.IntegrationEvents;

namespace Shop.Catalog.Api.Messaging;

/// <summary>
/// Publishes the outbox: claims pending rows (<c>FOR UPDATE SKIP LOCKED</c>, so replicas never publish the same row
/// at once), publishes each to <see cref="EventTopology.Exchange"/> as a persistent, mandatory message on a channel
/// with publisher confirms, and marks it sent only after the broker confirmed it, in the same transaction that
/// claimed it. A message the broker returns (no queue bound yet) or refuses is retried with exponential back-off;
/// a lost connection rolls the round back and is retried as well. Delivery is at least once: subscribers
/// deduplicate by event id and version. Woken by <see cref="OutboxSignal"/> after each commit, and polls besides.
/// A row saved during a traced request is published under a span of that trace (<see cref="OutboxTracing"/>).
/// </summary>
public sealed partial class OutboxPublisher(
    IServiceScopeFactory scopes,
    IConnection rabbitMQ,
    OutboxSignal signal,
    IOptions<OutboxOptions> options,
    TimeProvider time,
    ILogger<OutboxPublisher> logger) : BackgroundService
{
    private static readonly TimeSpan ConfirmTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan CleanupInterval = TimeSpan.FromHours(1);

    private IChannel? _channel;
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
                    wait = Backoff(settings, failures);
                    LogRoundFailed(logger, exception, wait);
                    await CloseChannelAsync().ConfigureAwait(false);
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
            await CloseChannelAsync().ConfigureAwait(false);
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
        var channel = await GetChannelAsync(cancellationToken).ConfigureAwait(false);

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
                    await PublishAsync(channel, message, token).ConfigureAwait(false);
                    message.SentAt = time.GetUtcNow();
                    message.LastError = null;
                    published++;
                    LogPublished(logger, message.Type, message.Id);
                }
                catch (PublishException exception)
                {
                    message.Attempts++;
                    var delay = Backoff(settings, message.Attempts);
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

    private static async Task PublishAsync(IChannel channel, OutboxMessage message, CancellationToken cancellationToken)
    {
        var properties = new BasicProperties
        {
            Persistent = true,
            ContentType = "application/json",
            MessageId = message.Id.ToString(),
            Type = message.Type,
            AppId = "catalog-api",
            Timestamp = new AmqpTimestamp(message.OccurredAt.ToUnixTimeSeconds()),
        };
        using var activity = OutboxTracing.StartPublish(message, properties);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ConfirmTimeout);
        // With confirmation tracking on, this completes when the broker confirmed the message and throws
        // PublishException when it nacked or returned it.
        try
        {
            await channel.BasicPublishAsync(EventTopology.Exchange, message.RoutingKey, mandatory: true, properties,
                Encoding.UTF8.GetBytes(message.Payload), timeout.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (activity is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, exception.Message);
            throw;
        }
    }

    private async Task<IChannel> GetChannelAsync(CancellationToken cancellationToken)
    {
        if (_channel is { IsOpen: true } open)
        {
            return open;
        }
        await CloseChannelAsync().ConfigureAwait(false);
        // The client's default confirm throttling delays publishes noticeably at low volume; volumes here are tiny.
        var channel = await rabbitMQ.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true, outstandingPublisherConfirmationsRateLimiter: null),
            cancellationToken).ConfigureAwait(false);
        await channel.ExchangeDeclareAsync(EventTopology.Exchange, ExchangeType.Topic, durable: true, autoDelete: false,
            cancellationToken: cancellationToken).ConfigureAwait(false);
        _channel = channel;
        return channel;
    }

    private async Task CloseChannelAsync()
    {
        if (_channel is not { } channel)
        {
            return;
        }
        _channel = null;
        try
        {
            await channel.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogCloseFailed(logger, exception.Message);
        }
    }

    private static TimeSpan Backoff(OutboxOptions settings, int attempt)
    {
        var factor = Math.Pow(2, Math.Min(attempt - 1, 20));
        var delay = TimeSpan.FromMilliseconds(settings.FirstRetryDelay.TotalMilliseconds * factor);
        return delay < settings.MaxRetryDelay ? delay : settings.MaxRetryDelay;
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

    [LoggerMessage(Level = LogLevel.Debug, Message = "Closing the outbox channel failed: {Reason}")]
    private static partial void LogCloseFailed(ILogger logger, string reason);
}
