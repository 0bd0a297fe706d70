using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Options;
using Shop.Ordering.Core.Redis;
using StackExchange.Redis;

namespace Shop.Ordering.Api.Admission;

/// <summary>What the in-process shortcut can say about a buy without asking the gate.</summary>
public enum ShortcutAnswer
{
    /// <summary>Nothing known: the gate decides.</summary>
    AskGate,
    /// <summary>The sale is sold out and this key was never accepted.</summary>
    SoldOut,
    /// <summary>The sale is sold out and this key was accepted before: the first answer again.</summary>
    Repeat,
}

/// <summary>
/// Answers the storm of buyers who come after the last unit in-process, without a Redis call each
/// (docs/architecture.md, "The buy decision"), and still gives a retry of an accepted purchase its first answer.
/// When the gate says "sold out" this replica reads the sale's accepted keys once (the <c>answers</c> hash,
/// <c>HGETALL</c>) and only then starts answering from memory: a key in that snapshot gets its order id back, any
/// other key "sold out". While sold out no key can be accepted, so the snapshot stays exact until units come back:
/// <list type="bullet">
/// <item>release.lua and arm.lua publish <see cref="GateKeys.StockReopened"/> when they give units back; the flag
///   is dropped as soon as this replica hears it and the gate decides again. Until then (pub/sub's delivery time,
///   well under a millisecond when idle, longer on a starved machine) this replica still answers "sold out": a key
///   that another replica accepted in that window and that is retried here within it would be told "sold out"
///   once. Closing that window would cost a Redis call per sold-out answer, which is what this class avoids;</item>
/// <item>as a safety net the flag lasts only <see cref="AdmissionOptions.SoldOutMemory"/>; the gate's next "sold out"
///   reports how many keys it holds, and the snapshot is read again only when that number changed.</item>
/// </list>
/// </summary>
public sealed partial class SoldOutShortcut(GateClient gate, IConnectionMultiplexer redis, IOptions<AdmissionOptions> options, TimeProvider time, ILogger<SoldOutShortcut> logger)
{
    // buyerId ≤ a token's subject, key ≤ 64: a field longer than this is looked up with a string instead.
    private const int StackFieldLength = 256;

    private readonly ConcurrentDictionary<Guid, SaleMemory> _sales = new();
    private readonly long _memoryTicks = options.Value.SoldOutMemory.Ticks;
    private readonly Lock _subscribing = new();
    private Task? _subscription;

    /// <summary>What is known of this buy without the gate; for <see cref="ShortcutAnswer.Repeat"/>, the first answer.</summary>
    public ShortcutAnswer Check(Guid saleId, string buyerId, string idempotencyKey, out AcceptedAnswer first)
    {
        first = default;
        if (!_sales.TryGetValue(saleId, out var sale) || sale.Snapshot is not { } snapshot || time.GetUtcNow().UtcTicks >= sale.SoldOutUntil)
        {
            return ShortcutAnswer.AskGate;
        }
        return snapshot.TryGet(buyerId, idempotencyKey, out first) ? ShortcutAnswer.Repeat : ShortcutAnswer.SoldOut;
    }

    /// <summary>
    /// The gate said "sold out" (no unit left) and holds <paramref name="acceptedKeys"/> accepted keys for the
    /// sale. Answers from memory start once this replica holds a snapshot of exactly those keys.
    /// </summary>
    public void MarkSoldOut(Guid saleId, long acceptedKeys)
    {
        var sale = _sales.GetOrAdd(saleId, static _ => new SaleMemory());
        int generation;
        lock (sale)
        {
            if (sale.Snapshot?.Count == acceptedKeys)
            {
                sale.SoldOutUntil = time.GetUtcNow().UtcTicks + _memoryTicks;
                return;
            }
            if (sale.Loading)
            {
                return;
            }
            sale.Loading = true;
            sale.Snapshot = null;
            generation = sale.Generation;
        }
        _ = LoadAsync(saleId, sale, generation);
    }

    private async Task LoadAsync(Guid saleId, SaleMemory sale, int generation)
    {
        try
        {
            // Subscribed before reading, so a release after the read is heard.
            await EnsureSubscribedAsync().ConfigureAwait(false);
            var entries = await gate.AcceptedAnswersAsync(saleId).ConfigureAwait(false);
            var snapshot = AcceptedKeys.From(entries);
            lock (sale)
            {
                sale.Loading = false;
                // Units came back while we read: the gate decides again until it sells out again.
                if (sale.Generation == generation)
                {
                    sale.Snapshot = snapshot;
                    sale.SoldOutUntil = time.GetUtcNow().UtcTicks + _memoryTicks;
                }
            }
        }
        catch (Exception e) when (e is RedisException or TimeoutException or FormatException)
        {
            // Without a snapshot the gate answers every request: slower, never wrong. The next sold-out retries.
            lock (sale)
            {
                sale.Loading = false;
            }
            LogSnapshotFailed(logger, saleId, e);
        }
    }

    private Task EnsureSubscribedAsync()
    {
        lock (_subscribing)
        {
            // A failed subscription is tried again by the next load.
            if (_subscription is null)
            {
                // While disconnected a reopening may go unheard: forget every flag when the connection comes back.
                redis.ConnectionRestored += (_, _) =>
                {
                    foreach (var saleId in _sales.Keys)
                    {
                        Reopen(saleId);
                    }
                };
            }
            if (_subscription is null || _subscription.IsFaulted || _subscription.IsCanceled)
            {
                _subscription = SubscribeAsync();
            }
            return _subscription;
        }
    }

    private Task SubscribeAsync() => gate.SubscribeToReopenedStocksAsync(Reopen);

    /// <summary>Units came back to the sale: the gate decides again.</summary>
    private void Reopen(Guid saleId)
    {
        if (_sales.TryGetValue(saleId, out var sale))
        {
            lock (sale)
            {
                sale.Generation++;
                sale.SoldOutUntil = 0;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the accepted keys of sale {SaleId}; the gate keeps answering its buyers")]
    private static partial void LogSnapshotFailed(ILogger logger, Guid saleId, Exception exception);

    /// <summary>This replica's memory of one sale. Fields change under the instance's lock; reads race benignly.</summary>
    private sealed class SaleMemory
    {
        public volatile AcceptedKeys? Snapshot;
        public long SoldOutUntil;
        public bool Loading;
        public int Generation;
    }

    /// <summary>The accepted keys of a sold-out sale: "buyerId|idempotencyKey" → "orderId|quantity", as reserve.lua stores them.</summary>
    private sealed class AcceptedKeys
    {
        private readonly Dictionary<string, AcceptedAnswer> _answers;
        private readonly Dictionary<string, AcceptedAnswer>.AlternateLookup<ReadOnlySpan<char>> _bySpan;

        private AcceptedKeys(Dictionary<string, AcceptedAnswer> answers)
        {
            _answers = answers;
            _bySpan = answers.GetAlternateLookup<ReadOnlySpan<char>>();
        }

        public int Count => _answers.Count;

        public static AcceptedKeys From(HashEntry[] entries)
        {
            var answers = new Dictionary<string, AcceptedAnswer>(entries.Length, StringComparer.Ordinal);
            foreach (var entry in entries)
            {
                answers[entry.Name.ToString()] = AcceptedAnswer.Parse(entry.Value.ToString());
            }
            return new AcceptedKeys(answers);
        }

        public bool TryGet(string buyerId, string idempotencyKey, out AcceptedAnswer answer)
        {
            var length = buyerId.Length + 1 + idempotencyKey.Length;
            if (length > StackFieldLength)
            {
                return _answers.TryGetValue(string.Concat(buyerId, "|", idempotencyKey), out answer);
            }
            // The sold-out storm is the hottest path there is: look the field up without building a string.
            Span<char> field = stackalloc char[length];
            buyerId.CopyTo(field);
            field[buyerId.Length] = '|';
            idempotencyKey.CopyTo(field[(buyerId.Length + 1)..]);
            return _bySpan.TryGetValue(field, out answer);
        }
    }
}
