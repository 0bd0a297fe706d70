using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using Shop.IntegrationEvents;

namespace Shop.EventBus;

/// <summary>
/// Publishes integration events to <see cref="EventTopology.Exchange"/>: persistent JSON messages on one channel with
/// publisher confirms, so that a publish completes only once the broker has the message (and throws when the broker
/// refuses or, for a mandatory one, returns it); an outbox marks a row sent only then. A traced event is published
/// under a span of its change's trace, whose id travels in the message (<see cref="MessageTracing"/>). The channel is
/// opened on first use and replaced once it is closed, or when a round that failed may have been its fault
/// (<see cref="ResetAsync"/>); a lock keeps callers sharing a publisher from opening two.
/// </summary>
public sealed partial class EventPublisher(IConnection connection, EventPublisherSettings settings, ILogger logger) : IAsyncDisposable
{
    private static readonly TimeSpan ConfirmTimeout = TimeSpan.FromSeconds(10);

    private readonly SemaphoreSlim _channelLock = new(1, 1);
    private IChannel? _channel;

    /// <summary>
    /// Opens the channel unless one is open: a publisher that claims work first calls this, so that nothing is claimed
    /// while the broker is out of reach.
    /// </summary>
    public async Task OpenAsync(CancellationToken cancellationToken) => await ChannelAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>Publishes one event and waits for the broker's confirm.</summary>
    public async Task PublishAsync(OutgoingEvent @event, CancellationToken cancellationToken)
    {
        var channel = await ChannelAsync(cancellationToken).ConfigureAwait(false);
        await PublishOnAsync(channel, @event, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Publishes every event at once and waits for the broker's confirms; each task fails on its own. When none went
    /// through, the channel may be the cause: the next call opens a new one.
    /// </summary>
    public async Task<Task[]> PublishAllAsync(IReadOnlyList<OutgoingEvent> events, CancellationToken cancellationToken)
    {
        var channel = await ChannelAsync(cancellationToken).ConfigureAwait(false);
        var publishes = events.Select(e => PublishOnAsync(channel, e, cancellationToken)).ToArray();
        try
        {
            await Task.WhenAll(publishes).ConfigureAwait(false);
        }
        catch (Exception) when (publishes.Any(p => p.IsCompletedSuccessfully))
        {
            // Some went through: the caller keeps what failed for its next round.
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            await ResetAsync().ConfigureAwait(false);
        }
        return publishes;
    }

    /// <summary>Closes the channel (after a round that failed for a reason the channel may have been); the next publish opens a new one.</summary>
    public async Task ResetAsync()
    {
        await _channelLock.WaitAsync().ConfigureAwait(false);
        try
        {
            await CloseChannelAsync().ConfigureAwait(false);
        }
        finally
        {
            _channelLock.Release();
        }
    }

    private async Task PublishOnAsync(IChannel channel, OutgoingEvent @event, CancellationToken cancellationToken)
    {
        var properties = new BasicProperties
        {
            Persistent = true,
            ContentType = "application/json",
            MessageId = @event.Id.ToString(),
            Type = @event.Type,
            AppId = settings.AppId,
            Timestamp = new AmqpTimestamp(@event.OccurredAt.ToUnixTimeSeconds()),
        };
        using var activity = MessageTracing.StartPublish(settings.Tracing, settings.SpanPrefix + @event.RoutingKey, @event.TraceParent,
            @event.RoutingKey, properties);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ConfirmTimeout);
        try
        {
            // With confirmation tracking on, this completes when the broker confirmed the message, and throws
            // PublishException when it nacked or returned it.
            await channel.BasicPublishAsync(EventTopology.Exchange, @event.RoutingKey, settings.Mandatory, properties,
                Encoding.UTF8.GetBytes(@event.Payload), timeout.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (activity is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, exception.Message);
            throw;
        }
    }

    private async Task<IChannel> ChannelAsync(CancellationToken cancellationToken)
    {
        await _channelLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_channel is { IsOpen: true } open)
            {
                return open;
            }
            await CloseChannelAsync().ConfigureAwait(false);
            // No confirm throttling: the client's default delays publishes noticeably at low volume, and Shop's
            // volumes are small (an admin's changes, one event per batch, one stock event a second).
            var channel = await connection.CreateChannelAsync(
                new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true, outstandingPublisherConfirmationsRateLimiter: null),
                cancellationToken).ConfigureAwait(false);
            await EventBusTopology.DeclareExchangeAsync(channel, cancellationToken).ConfigureAwait(false);
            _channel = channel;
            return channel;
        }
        finally
        {
            _channelLock.Release();
        }
    }

    /// <summary>Under the lock.</summary>
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

    public async ValueTask DisposeAsync()
    {
        await ResetAsync().ConfigureAwait(false);
        _channelLock.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Closing the publishing channel failed: {Reason}")]
    private static partial void LogCloseFailed(ILogger logger, string reason);
}
