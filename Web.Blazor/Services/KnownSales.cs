namespace Shop.Web.Services;

/// <summary>
/// The ids of every sale catalog-api has (ended and cancelled ones too), so that a sale page or a sale's stock asked
/// for with a made-up id is answered 404 here: each random id would otherwise miss every cache and reach the APIs and
/// Postgres once. The list is fetched at most once per <see cref="Freshness"/>, by one loader for everyone. An id not
/// in the list waits for a list fetched after it was asked for (a sale created a moment ago is then in it), so a storm
/// of made-up ids costs catalog-api one request per second per storefront, however many ids and visitors.
/// </summary>
public sealed class KnownSales(IHttpClientFactory clients, TimeProvider time)
{
    public static readonly TimeSpan Freshness = TimeSpan.FromSeconds(1);

    private readonly Lock _lock = new();
    private Task<HashSet<Guid>>? _load;
    private DateTimeOffset _loadStartedAt;
    private volatile HashSet<Guid> _known = [];

    /// <summary>Whether catalog-api has the sale. Throws <see cref="ShopApiException"/> when the list cannot be read.</summary>
    public async Task<bool> ExistsAsync(Guid saleId, CancellationToken cancellationToken)
    {
        if (_known.Contains(saleId))
        {
            return true;
        }
        var asked = time.GetUtcNow();
        return (await ListedSinceAsync(asked, cancellationToken).ConfigureAwait(false)).Contains(saleId);
    }

    /// <summary>A list whose fetch started at or after <paramref name="asked"/>, starting one when the last is at least <see cref="Freshness"/> old.</summary>
    private async Task<HashSet<Guid>> ListedSinceAsync(DateTimeOffset asked, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task<HashSet<Guid>>? load = null;
            var wait = TimeSpan.Zero;
            lock (_lock)
            {
                var now = time.GetUtcNow();
                if (_load is not null && _loadStartedAt >= asked)
                {
                    load = _load;
                }
                else if (_load is null || now - _loadStartedAt >= Freshness)
                {
                    (_load, _loadStartedAt) = (LoadAsync(), now);
                    load = _load;
                }
                else
                {
                    // The rate limit of the list itself: the next fetch may start when the last is Freshness old.
                    wait = _loadStartedAt + Freshness - now;
                }
            }
            if (load is not null)
            {
                return await load.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
        }
    }

    // Detached from any one request: a visitor who gives up does not fail the load for the others.
    private async Task<HashSet<Guid>> LoadAsync()
    {
        var ids = await new CatalogApiClient(clients.CreateClient(nameof(CatalogApiClient))).GetSaleIdsAsync(CancellationToken.None).ConfigureAwait(false);
        var known = ids.ToHashSet();
        _known = known;
        return known;
    }
}
