using System.Diagnostics;
using System.Text;
using RabbitMQ.Client;
using Shop.IntegrationEvents;
using Shop.ServiceDefaults.Telemetry;
using Shop.Ordering.Worker.Telemetry;

namespace Shop.Ordering.Worker.Events;

/// <summary>An integration event ready for the wire: its id, type, routing key, JSON and the trace of the change.</summary>
public sealed record OutgoingEvent(Guid Id, string Type, string RoutingKey, string Payload, string? TraceParent, DateTimeOffset OccurredAt);

/// <summary>
/// Publishes Ordering's integration events to <see cref="EventTopology.Exchange"/>: persistent messages on a channel
/// with publisher confirms, so a publish completes only once the broker has the message (it throws when the broker
/// refuses it). Not mandatory: these events are for whoever subscribes, and a subscriber declares and binds its queue
/// at start (Catalog's stock figures are resynced besides). One channel, shared by the worker's publishers; a lost
/// one is replaced on the next publish.
/// </summary>
public sealed partial class EventPublisher(IConnection rabbitMQ, ILogger<EventPublisher> logger) : IAsyncDisposable
{
    private static readonly TimeSpan ConfirmTimeout = TimeSpan.FromSeconds(10);

    private readonly SemaphoreSlim _channelLock = new(1, 1);
    private IChannel? _channel;

    /// <summary>Publishes every event at once and waits for the broker's confirms; each task fails on its own.</summary>
    public async Task<Task[]> PublishAsync(IReadOnlyList<OutgoingEvent> events, CancellationToken cancellationToken)
    {
        var channel = await ChannelAsync(cancellationToken).ConfigureAwait(false);
        var publishes = events.Select(e => PublishOneAsync(channel, e, cancellationToken)).ToArray();
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
            // None went through: the channel may be the cause; the next round opens a new one.
            await CloseChannelAsync().ConfigureAwait(false);
        }
        return publishes;
    }

    private static async Task PublishOneAsync(IChannel channel, OutgoingEvent @event, CancellationToken cancellationToken)
    {
        var properties = new BasicProperties
        {
            Persistent = true,
            ContentType = "application/json",
            MessageId = @event.Id.ToString(),
            Type = @event.Type,
            AppId = "ordering-worker",
            Timestamp = new AmqpTimestamp(@event.OccurredAt.ToUnixTimeSeconds()),
        };
        // A traced change is published under a span of its trace, which the subscriber continues.
        using var activity = TraceParents.Parse(@event.TraceParent) is { } parent && parent != default
            ? WorkerMetrics.Tracing.StartActivity("publish " + @event.RoutingKey, ActivityKind.Producer, parent,
                tags: [new("messaging.system", "rabbitmq"), new("messaging.destination.name", EventTopology.Exchange),
                    new("messaging.rabbitmq.destination.routing_key", @event.RoutingKey), new("messaging.message.id", properties.MessageId)])
            : null;
        if (activity?.Id is { } spanId)
        {
            properties.Headers = new Dictionary<string, object?> { [TraceParents.Header] = Encoding.ASCII.GetBytes(spanId) };
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ConfirmTimeout);
        try
        {
            // With confirmation tracking on, this completes when the broker confirmed the message.
            await channel.BasicPublishAsync(EventTopology.Exchange, @event.RoutingKey, mandatory: false, properties,
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
            await CloseChannelCoreAsync().ConfigureAwait(false);
            // No confirm throttling: the volumes are small (one event per batch, one stock event a second).
            var channel = await rabbitMQ.CreateChannelAsync(
                new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true, outstandingPublisherConfirmationsRateLimiter: null),
                cancellationToken).ConfigureAwait(false);
            await channel.ExchangeDeclareAsync(EventTopology.Exchange, ExchangeType.Topic, durable: true, autoDelete: false,
                cancellationToken: cancellationToken).ConfigureAwait(false);
            _channel = channel;
            return channel;
        }
        finally
        {
            _channelLock.Release();
        }
    }

    private async Task CloseChannelAsync()
    {
        await _channelLock.WaitAsync().ConfigureAwait(false);
        try
        {
            await CloseChannelCoreAsync().ConfigureAwait(false);
        }
        finally
        {
            _channelLock.Release();
        }
    }

    private async Task CloseChannelCoreAsync()
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
        await CloseChannelAsync().ConfigureAwait(false);
        _channelLock.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Closing the events channel failed: {Reason}")]
    private static partial void LogCloseFailed(ILogger logger, string reason);
}
