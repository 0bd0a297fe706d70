using System.Text.Json;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using Shop.Ordering.Api.Telemetry;
using Shop.Ordering.Core.Messaging;
using Shop.Ordering.Core.Redis;
using Shop.ServiceDefaults.Clients;
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
    RabbitMQConnectionProvider rabbit,
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

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Blocking reads get a connection of their own: a BLOCK on the shared multiplexer would stall every caller.
        using var reader = await ConnectionMultiplexer.ConnectAsync(redis.Configuration + ",abortConnect=false,name=ordering-relay").ConfigureAwait(false);
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
    private async Task<List<StreamEntry>> NextBatchAsync(IDatabase database)
    {
        var batch = options.Value.BatchSize;
        var own = StreamEntries.FromReadGroup(await database.ExecuteAsync("XREADGROUP", "GROUP", Group, _consumer,
            "COUNT", batch, "STREAMS", (string)GateKeys.Reservations!, "0").ConfigureAwait(false));
        if (own.Count > 0)
        {
            return own;
        }
        if (time.GetUtcNow() >= _nextClaim)
        {
            _nextClaim = time.GetUtcNow() + options.Value.ClaimAfter / 2;
            var claimed = StreamEntries.FromAutoClaim(await database.ExecuteAsync("XAUTOCLAIM", (string)GateKeys.Reservations!, Group, _consumer,
                (long)options.Value.ClaimAfter.TotalMilliseconds, "0-0", "COUNT", batch).ConfigureAwait(false));
            if (claimed.Count > 0)
            {
                LogClaimed(claimed.Count);
                return claimed;
            }
        }
        return StreamEntries.FromReadGroup(await database.ExecuteAsync("XREADGROUP", "GROUP", Group, _consumer,
            "COUNT", batch, "BLOCK", (long)options.Value.ReadBlock.TotalMilliseconds, "STREAMS", (string)GateKeys.Reservations!, ">").ConfigureAwait(false));
    }

    private async Task RelayAsync(IChannel channel, List<StreamEntry> entries, CancellationToken cancellationToken)
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
            // With confirmation tracking, each publish completes when the broker has the message (or throws);
            // they go out together and are confirmed together: one round of confirms per batch.
            publishes.Add(channel.BasicPublishAsync("", OrderingTopology.ReservationsQueue, mandatory: true, properties, body, cancellationToken).AsTask());
        }
        await Task.WhenAll(publishes).ConfigureAwait(false);

        var database = redis.GetDatabase();
        foreach (var bad in entries.Where(e => e.Reservation is null && e.Raw != "(deleted)"))
        {
            // Never expected: keep it for a person to look at rather than drop it or block the stream.
            LogMalformedEntry(bad.Id, bad.Raw);
            await database.ExecuteAsync("XADD", (string)DeadEntries!, "*", "id", bad.Id, "raw", bad.Raw).ConfigureAwait(false);
        }
        var ids = entries.Select(e => (object)e.Id).ToArray();
        await database.ExecuteAsync("XACK", [(string)GateKeys.Reservations!, Group, .. ids]).ConfigureAwait(false);
        await database.ExecuteAsync("XDEL", [(string)GateKeys.Reservations!, .. ids]).ConfigureAwait(false);
        metrics.Relayed(publishes.Count);
    }

    private async Task CreateGroupAsync()
    {
        try
        {
            await redis.GetDatabase().ExecuteAsync("XGROUP", "CREATE", (string)GateKeys.Reservations!, Group, "0", "MKSTREAM").ConfigureAwait(false);
        }
        catch (RedisServerException e) when (e.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
            // The group exists already (another replica, or an earlier run).
        }
    }

    private async Task<IChannel> OpenChannelAsync(CancellationToken cancellationToken)
    {
        var connection = await rabbit.GetConnectionAsync(cancellationToken).ConfigureAwait(false);
        // Confirms tracked per publish; no built-in confirm throttling (it made each confirm wait ~1 s):
        // the batch size bounds what is in flight.
        var channel = await connection.CreateChannelAsync(new CreateChannelOptions(
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
