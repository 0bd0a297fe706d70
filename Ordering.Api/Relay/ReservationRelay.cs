using System.Text.Json;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using Shop.Ordering.Api.Telemetry;
using Shop.Ordering.Core.Messaging;
using Shop.Ordering.Core.Redis;
using StackExchange.Redis;

namespace Shop.Ordering.Api.Relay;

/// <summary>
/// Moves reservations from the Redis stream (the outbox the reserve script writes) to the durable RabbitMQ
/// queue. Each api replica is one consumer of the group "relay": it reads a batch, publishes it as persistent
/// messages, waits for the broker's confirms, and only then acknowledges and deletes the entries. After a
/// crash the replica re-reads what it had not acknowledged (same consumer name), and entries of a replica
/// that stays dead are claimed by another after <see cref="RelayOptions.ClaimAfter"/>. Duplicates are
/// possible (a crash after publishing, before acknowledging); losses are not.
/// </summary>
public sealed partial class ReservationRelay(
    IConnectionMultiplexer redis,
    IConnection rabbit,
    IOptions<RelayOptions> options,
    IConfiguration configuration,
    OrderingApiMetrics metrics,
    TimeProvider time,
    ILogger<ReservationRelay> logger) : BackgroundService
{
    public const string Group = "relay";
    private static readonly RedisKey DeadEntries = "ordering:reservations:dead";

    private readonly string _consumer = ConsumerName(configuration);
    private DateTimeOffset _nextClaim;
    private DateTimeOffset _nextLagSample;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Blocking reads get a connection of their own: a BLOCK on the shared multiplexer would stall every caller.
        await using var reader = await ConnectionMultiplexer.ConnectAsync(redis.Configuration + ",abortConnect=false,name=ordering-relay").ConfigureAwait(false);
        IChannel? channel = null;
        var groupReady = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!groupReady)
                {
                    await CreateGroupAsync().ConfigureAwait(false);
                    groupReady = true;
                }
                channel ??= await OpenChannelAsync(stoppingToken).ConfigureAwait(false);
                var entries = await NextBatchAsync(reader.GetDatabase()).ConfigureAwait(false);
                if (entries.Count > 0)
                {
                    await RelayAsync(channel, entries, stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is RedisException or RedisTimeoutException or TimeoutException or PublishException
                                          or AlreadyClosedException or BrokerUnreachableException or OperationInterruptedException
                                          or IOException or InvalidOperationException)
            {
                // Nothing was acknowledged: the entries stay pending and are read again.
                LogRelayFailed(e);
                groupReady = groupReady && e is not RedisServerException;
                if (channel is not null)
                {
                    await channel.DisposeAsync().ConfigureAwait(false);
                    channel = null;
                }
                await Task.Delay(options.Value.RetryDelay, time, stoppingToken).ConfigureAwait(false);
            }
        }
        if (channel is not null)
        {
            await channel.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>What this relay had read but not acknowledged, else entries of a dead relay, else new entries.</summary>
    private async Task<List<GateStreamEntry>> NextBatchAsync(IDatabase database)
    {
        var batch = options.Value.BatchSize;
        // Position 0 of a group read: this consumer's entries read earlier but not acknowledged.
        var own = await database.StreamReadGroupAsync(GateKeys.Reservations, Group, _consumer, "0", batch).ConfigureAwait(false);
        if (own.Length > 0)
        {
            return GateStreamEntries.Read(own);
        }
        if (time.GetUtcNow() >= _nextClaim)
        {
            _nextClaim = time.GetUtcNow() + options.Value.ClaimAfter / 2;
            var claimed = await database.StreamAutoClaimAsync(GateKeys.Reservations, Group, _consumer,
                (long)options.Value.ClaimAfter.TotalMilliseconds, "0-0", batch).ConfigureAwait(false);
            if (claimed.ClaimedEntries.Length > 0)
            {
                LogClaimed(claimed.ClaimedEntries.Length);
                return GateStreamEntries.Read(claimed.ClaimedEntries);
            }
        }
        var fresh = await database.StreamReadGroupAsync(GateKeys.Reservations, Group, _consumer, StreamPosition.NewMessages, batch).ConfigureAwait(false);
        if (fresh.Length == 0)
        {
            await WaitForEntriesAsync(database, batch).ConfigureAwait(false);
        }
        return GateStreamEntries.Read(fresh);
    }

    /// <summary>
    /// Waits (up to <see cref="RelayOptions.ReadBlock"/>) for new entries on the relay's own connection.
    /// StackExchange.Redis offers no blocking stream read (by design: it would stall a shared multiplexer), so
    /// this one command is sent raw. Its reply is not parsed: the entries it delivers are now pending for this
    /// consumer, and the next round reads them with the typed API (own pending entries come first).
    /// </summary>
    private async Task WaitForEntriesAsync(IDatabase database, int batch) =>
        await database.ExecuteAsync("XREADGROUP", "GROUP", Group, _consumer, "COUNT", batch,
            "BLOCK", (long)options.Value.ReadBlock.TotalMilliseconds, "STREAMS", (string)GateKeys.Reservations!, ">").ConfigureAwait(false);

    private async Task RelayAsync(IChannel channel, List<GateStreamEntry> entries, CancellationToken cancellationToken)
    {
        var publishes = new List<Task>(entries.Count);
        foreach (var entry in entries)
        {
            if (entry.Reservation is null)
            {
                continue;
            }
            var properties = new BasicProperties
            {
                Persistent = true,
                MessageId = entry.Reservation.OrderId.ToString(),
                ContentType = "application/json",
                Type = nameof(ReservationMessage),
            };
            var body = JsonSerializer.SerializeToUtf8Bytes(entry.Reservation, OrderingJsonContext.Default.ReservationMessage);
            // A traced reservation's publish is a span of the buyer's trace, and the message carries it on to the worker.
            using var span = RelayTracing.StartPublish(entry, properties);
            // With confirmation tracking, each publish completes when the broker has the message (or throws);
            // they go out together and are confirmed together: one round of confirms per batch.
            publishes.Add(channel.BasicPublishAsync("", OrderingTopology.ReservationsQueue, mandatory: true, properties, body, cancellationToken).AsTask());
        }
        await Task.WhenAll(publishes).ConfigureAwait(false);

        var database = redis.GetDatabase();
        foreach (var bad in entries.Where(e => e.Reservation is null && e.Raw != GateStreamEntry.Deleted))
        {
            // Never expected: keep it for a person to look at rather than drop it or block the stream.
            LogMalformedEntry(bad.Id, bad.Raw);
            await database.StreamAddAsync(DeadEntries, [new NameValueEntry("id", bad.Id), new NameValueEntry("raw", bad.Raw)]).ConfigureAwait(false);
        }
        var ids = entries.Select(e => (RedisValue)e.Id).ToArray();
        await database.StreamAcknowledgeAsync(GateKeys.Reservations, Group, ids).ConfigureAwait(false);
        await database.StreamDeleteAsync(GateKeys.Reservations, ids).ConfigureAwait(false);
        metrics.Relayed(publishes.Count);
        await SampleLagAsync(database).ConfigureAwait(false);
    }

    /// <summary>
    /// The relay's lag for the gauges: entries waiting in the stream and the age of the oldest (its id is its
    /// time in ms). At most once a second: two cheap reads, not two per batch.
    /// </summary>
    private async Task SampleLagAsync(IDatabase database)
    {
        var now = time.GetUtcNow();
        if (now < _nextLagSample)
        {
            return;
        }
        _nextLagSample = now.AddSeconds(1);
        var length = await database.StreamLengthAsync(GateKeys.Reservations).ConfigureAwait(false);
        var oldest = length == 0 ? [] : await database.StreamRangeAsync(GateKeys.Reservations, "-", "+", count: 1).ConfigureAwait(false);
        var age = oldest.Length == 0 || !long.TryParse(((string)oldest[0].Id!).Split('-')[0], out var ms)
            ? TimeSpan.Zero
            : now - DateTimeOffset.FromUnixTimeMilliseconds(ms);
        metrics.SetRelayLag(length, age < TimeSpan.Zero ? TimeSpan.Zero : age);
    }

    private async Task CreateGroupAsync()
    {
        try
        {
            await redis.GetDatabase().StreamCreateConsumerGroupAsync(GateKeys.Reservations, Group, StreamPosition.Beginning, createStream: true).ConfigureAwait(false);
        }
        catch (RedisServerException e) when (e.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
            // The group exists already (another replica, or an earlier run).
        }
    }

    private async Task<IChannel> OpenChannelAsync(CancellationToken cancellationToken)
    {
        // Confirms tracked per publish; no built-in confirm throttling (it made each confirm wait ~1 s):
        // the batch size bounds what is in flight.
        var channel = await rabbit.CreateChannelAsync(new CreateChannelOptions(
            publisherConfirmationsEnabled: true,
            publisherConfirmationTrackingEnabled: true,
            outstandingPublisherConfirmationsRateLimiter: null), cancellationToken).ConfigureAwait(false);
        await OrderingQueues.DeclareReservationsAsync(channel, cancellationToken).ConfigureAwait(false);
        return channel;
    }

    /// <summary>Stable per replica (ordering-api-0, -1) so a restarted replica finds the entries it had read.</summary>
    private static string ConsumerName(IConfiguration configuration)
    {
        var attributes = configuration["OTEL_RESOURCE_ATTRIBUTES"] ?? "";
        var instance = attributes.Split(',').Select(a => a.Split('=', 2)).FirstOrDefault(a => a.Length == 2 && a[0] == "service.instance.id")?[1];
        return instance ?? $"{Environment.MachineName}-{Environment.ProcessId}";
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Relaying reservations failed; retrying")]
    private partial void LogRelayFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Took over {Count} reservations left by another relay")]
    private partial void LogClaimed(int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Malformed reservation entry {Id} moved to ordering:reservations:dead: {Raw}")]
    private partial void LogMalformedEntry(string id, string raw);
}
