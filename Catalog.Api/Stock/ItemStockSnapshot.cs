using System.Collections.Frozen;
using Shop.Catalog.Api.Apis.Contracts;
using Shop.IntegrationEvents;

namespace Shop.Catalog.Api.Stock;

/// <summary>
/// The latest stock figures Ordering reported, by item id, and the overlay that shows them in the catalog's answers.
/// The overlay is applied to what the read cache returns, never stored in it: the cached value is the catalog's own
/// row, and Ordering's figure changes every second. An item Ordering does not know (yet) keeps the catalog's value.
/// </summary>
/// <remarks>
/// Two writers feed it: Ordering's events (<see cref="Merge"/>, about once a second, possibly late or out of order)
/// and the periodic HTTP read of every figure (<see cref="Replace"/>, the resync). Each figure keeps the time it is
/// valid at, so that whichever of the two is newer wins, item by item. Writers take a lock (a merge and a resync
/// must not lose each other's figures); readers never do: they read one immutable dictionary, the old or the new.
/// </remarks>
public sealed class ItemStockSnapshot
{
    private readonly Lock _writing = new();
    private volatile FrozenDictionary<int, Figure> _figures = FrozenDictionary<int, Figure>.Empty;

    /// <summary>How many items the snapshot has a figure for.</summary>
    public int Count => _figures.Count;

    /// <summary>
    /// The resync: every figure Ordering has, as read at <paramref name="readAt"/> (when the read was sent: the answer
    /// is at least that recent). It is the truth at that time, so items it leaves out are dropped too, except a figure
    /// that came from an event newer than the read, which the read may not have seen yet.
    /// </summary>
    public void Replace(IEnumerable<ItemStockLevel> levels, DateTimeOffset readAt)
    {
        lock (_writing)
        {
            var figures = new Dictionary<int, Figure>();
            foreach (var level in levels)
            {
                figures[level.ItemId] = new Figure(Clamp(level.Available), readAt);
            }
            foreach (var (itemId, held) in _figures)
            {
                if (held.ValidAt > readAt)
                {
                    figures[itemId] = held;
                }
            }
            _figures = figures.ToFrozenDictionary();
        }
    }

    /// <summary>
    /// Applies an event's figures, each unless the snapshot holds a newer one for that item (events may arrive late,
    /// redelivered, or after a resync that already saw a later state). Returns how many figures it applied.
    /// </summary>
    public int Merge(ItemStocksChanged change)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (_writing)
        {
            var current = _figures;
            Dictionary<int, Figure>? figures = null;
            var applied = 0;
            foreach (var item in change.Items)
            {
                if (current.TryGetValue(item.ItemId, out var held) && held.ValidAt > change.OccurredAt)
                {
                    continue;
                }
                // Even an unchanged figure is written: its newer time is what makes a later, older event lose.
                figures ??= new Dictionary<int, Figure>(current);
                figures[item.ItemId] = new Figure(Clamp(item.Available), change.OccurredAt);
                applied++;
            }
            if (figures is not null)
            {
                _figures = figures.ToFrozenDictionary();
            }
            return applied;
        }
    }

    public bool TryGetAvailable(int itemId, out int available)
    {
        var found = _figures.TryGetValue(itemId, out var figure);
        available = figure.Available;
        return found;
    }

    public CatalogItemResponse Overlay(CatalogItemResponse item) =>
        TryGetAvailable(item.Id, out var available) && available != item.AvailableStock ? item with { AvailableStock = available } : item;

    public CatalogItemsPage Overlay(CatalogItemsPage page)
    {
        CatalogItemResponse[]? changed = null;
        for (var i = 0; i < page.Data.Count; i++)
        {
            var shown = Overlay(page.Data[i]);
            if (!ReferenceEquals(shown, page.Data[i]))
            {
                changed ??= [.. page.Data];
                changed[i] = shown;
            }
        }
        return changed is null ? page : page with { Data = changed };
    }

    /// <summary>The catalog's field is an int and never negative; Ordering's figure is a long.</summary>
    private static int Clamp(long available) => (int)Math.Clamp(available, 0, int.MaxValue);

    /// <summary>An item's units available, and the time they were Ordering's figure.</summary>
    private readonly record struct Figure(int Available, DateTimeOffset ValidAt);
}
