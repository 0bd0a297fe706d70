using Microsoft.Extensions.Options;
using Shop.Ordering.Core.Redis;
using StackExchange.Redis;

namespace Shop.Ordering.Worker.Reservations;

/// <summary>
/// Reads batches of reservations from the gate's stream as consumer <see cref="Consumer"/> of group
/// <see cref="LedgerStream.Group"/>, in two steps. <see cref="WaitForEntriesAsync"/> makes sure this consumer holds
/// something: after a restart, what it had read before; else entries a consumer that is gone left idle for
/// <see cref="WorkerOptions.ClaimAfter"/>; else new entries, waited for (up to <see cref="WorkerOptions.ReadBlock"/>)
/// and then gathered for up to <see cref="WorkerOptions.BatchLinger"/> until the batch is full (a burst becomes one
/// batch, a lone reservation waits at most the linger). <see cref="ReadHeldAsync"/> then reads what it holds. The
/// batch loop calls the second under the gate lock: a rebuild (which holds it) can never fall between reading a
/// batch and persisting it.
/// <para>
/// StackExchange.Redis has no blocking stream read (by design: a BLOCK stalls the multiplexer it is sent on), so the
/// waits go raw on a connection of their own, and their replies are only counted: what they deliver is pending for
/// this consumer, and <see cref="ReadHeldAsync"/> reads it with the typed API.
/// </para>
/// </summary>
public sealed partial class LedgerStreamReader(
    IConnectionMultiplexer redis,
    IOptions<WorkerOptions> options,
    IConfiguration configuration,
    TimeProvider time,
    ILogger<LedgerStreamReader> logger) : IAsyncDisposable
{
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private ConnectionMultiplexer? _waits;
    private bool _groupReady;
    private DateTimeOffset _nextClaim;

    public string Consumer { get; } = LedgerStream.ConsumerName(configuration);

    /// <summary>Creates the group if it does not exist (from the stream's start, creating the stream if need be).</summary>
    public async Task EnsureGroupAsync()
    {
        if (_groupReady)
        {
            return;
        }
        try
        {
            await redis.GetDatabase().StreamCreateConsumerGroupAsync(GateKeys.Reservations, LedgerStream.Group, StreamPosition.Beginning, createStream: true).ConfigureAwait(false);
        }
        catch (RedisServerException e) when (e.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
            // It exists already (an earlier run, or another replica).
        }
        _groupReady = true;
    }

    /// <summary>Waits until this consumer holds entries to persist.</summary>
    /// <returns>False when nothing came within <see cref="WorkerOptions.ReadBlock"/>.</returns>
    public async Task<bool> WaitForEntriesAsync(CancellationToken cancellationToken)
    {
        await EnsureGroupAsync().ConfigureAwait(false);
        var settings = options.Value;
        var database = redis.GetDatabase();
        if ((await HeldAsync(database, count: 1).ConfigureAwait(false)).Length > 0)
        {
            return true;
        }
        if (time.GetUtcNow() >= _nextClaim)
        {
            _nextClaim = time.GetUtcNow() + settings.ClaimAfter / 2;
            var claimed = await database.StreamAutoClaimIdsOnlyAsync(GateKeys.Reservations, LedgerStream.Group, Consumer,
                (long)settings.ClaimAfter.TotalMilliseconds, "0-0", settings.BatchSize).ConfigureAwait(false);
            if (claimed.ClaimedIds.Length > 0)
            {
                LogClaimed(logger, claimed.ClaimedIds.Length);
                return true;
            }
        }
        var waits = (await WaitsAsync().ConfigureAwait(false)).GetDatabase();
        var delivered = await DeliverAsync(waits, settings.BatchSize, settings.ReadBlock).ConfigureAwait(false);
        if (delivered == 0)
        {
            return false;
        }
        // Linger: gather more until the batch is full or the linger is over since the first came.
        var lingerEnds = time.GetUtcNow() + settings.BatchLinger;
        while (delivered < settings.BatchSize && !cancellationToken.IsCancellationRequested)
        {
            var left = lingerEnds - time.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                break;
            }
            delivered += await DeliverAsync(waits, settings.BatchSize - delivered, left).ConfigureAwait(false);
        }
        return true;
    }

    /// <summary>The entries this consumer holds (read and not settled), oldest first, up to a batch.</summary>
    public async Task<List<GateStreamEntry>> ReadHeldAsync() =>
        GateStreamEntries.Read(await HeldAsync(redis.GetDatabase(), options.Value.BatchSize).ConfigureAwait(false));

    /// <summary>The gate lost its data, and the group with it: it is created again (from the stream's start) on the next wait.</summary>
    public void GroupLost() => _groupReady = false;

    /// <summary>What this consumer has read and not settled (position 0 of a group read), oldest first.</summary>
    private Task<StreamEntry[]> HeldAsync(IDatabase database, int count) =>
        database.StreamReadGroupAsync(GateKeys.Reservations, LedgerStream.Group, Consumer, "0", count);

    /// <summary>Delivers up to <paramref name="count"/> new entries to this consumer, waiting up to <paramref name="block"/> for the first.</summary>
    /// <returns>How many were delivered.</returns>
    private async Task<int> DeliverAsync(IDatabase waits, int count, TimeSpan block)
    {
        var reply = await waits.ExecuteAsync("XREADGROUP", "GROUP", LedgerStream.Group, Consumer, "COUNT", count,
            "BLOCK", Math.Max(1, (long)block.TotalMilliseconds), "STREAMS", (string)GateKeys.Reservations!, ">").ConfigureAwait(false);
        return Delivered(reply);
    }

    /// <summary>
    /// How many entries a raw XREADGROUP delivered: null when nothing came; else, per stream, its entries — an array of
    /// [stream, entries] pairs over RESP2, a map of stream → entries over RESP3 (what the connection speaks is the
    /// client's choice).
    /// </summary>
    public static int Delivered(RedisResult reply) => reply.IsNull ? 0 : reply.Resp3Type switch
    {
        ResultType.Map => reply.ToDictionary().Values.Sum(entries => entries.IsNull ? 0 : entries.Length),
        _ => reply.Length == 0 ? 0 : reply[0][1].Length,
    };

    private async Task<ConnectionMultiplexer> WaitsAsync()
    {
        if (_waits is { } existing)
        {
            return existing;
        }
        await _connecting.WaitAsync().ConfigureAwait(false);
        try
        {
            return _waits ??= await ConnectionMultiplexer.ConnectAsync(redis.Configuration + ",abortConnect=false,name=ordering-ledger-reads").ConfigureAwait(false);
        }
        finally
        {
            _connecting.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_waits is not null)
        {
            await _waits.DisposeAsync().ConfigureAwait(false);
        }
        _connecting.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Took over {Count} reservations another worker had read and not settled")]
    private static partial void LogClaimed(ILogger logger, int count);
}
