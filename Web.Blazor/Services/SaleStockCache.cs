using System.Collections.Concurrent;

namespace Shop.Web.Services;

/// <summary>
/// The stock that every visitor of a sale page polls, fetched from ordering-api at most once per
/// <see cref="Freshness"/> per sale by this process, however many visitors ask (one loader per key): a crowd of
/// 100k polling every two seconds costs ordering-api one request per second per storefront replica.
/// Failures are not kept: the next request tries again.
/// </summary>
public sealed class SaleStockCache(IHttpClientFactory clients, TimeProvider time)
{
    public static readonly TimeSpan Freshness = TimeSpan.FromSeconds(1);
    private const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<Guid, Entry> _entries = new();

    public async Task<SaleStock?> GetAsync(Guid saleId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var entry = _entries.AddOrUpdate(
            saleId,
            static (id, state) => new Entry(state.Self.LoadAsync(id), state.Now),
            static (id, existing, state) => existing.IsUsable(state.Now) ? existing : new Entry(state.Self.LoadAsync(id), state.Now),
            (Self: this, Now: now));
        if (_entries.Count > MaxEntries)
        {
            Trim(now);
        }
        try
        {
            return await entry.Load.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ShopApiException)
        {
            // Let the next caller load again instead of serving the failure for a second.
            _entries.TryRemove(new KeyValuePair<Guid, Entry>(saleId, entry));
            throw;
        }
    }

    // Detached from any one request: a visitor who gives up does not fail the load for the others.
    private Task<SaleStock?> LoadAsync(Guid saleId) =>
        new OrderingApiClient(clients.CreateClient(nameof(OrderingApiClient))).GetStockAsync(saleId, CancellationToken.None);

    private void Trim(DateTimeOffset now)
    {
        foreach (var (id, entry) in _entries)
        {
            if (!entry.IsUsable(now))
            {
                _entries.TryRemove(new KeyValuePair<Guid, Entry>(id, entry));
            }
        }
    }

    private sealed record Entry(Task<SaleStock?> Load, DateTimeOffset StartedAt)
    {
        public bool IsUsable(DateTimeOffset now) => now - StartedAt < Freshness && !Load.IsFaulted;
    }
}
