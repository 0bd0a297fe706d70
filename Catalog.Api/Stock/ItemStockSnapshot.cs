using System.Collections.Frozen;
using Shop.Catalog.Api.Apis.Contracts;

namespace Shop.Catalog.Api.Stock;

/// <summary>
/// The latest stock figures Ordering reported, by item id, and the overlay that shows them in the catalog's answers.
/// The overlay is applied to what the read cache returns, never stored in it: the cached value is the catalog's own
/// row, and Ordering's figure changes every second. An item Ordering does not know (yet) keeps the catalog's value.
/// </summary>
public sealed class ItemStockSnapshot
{
    private volatile ItemStockFigures _current = ItemStockFigures.None;

    /// <summary>
    /// The figures now: one immutable set, replaced whole, so a reader that holds it sees one report throughout, and
    /// the same instance for as long as no figure changes (what <see cref="Caching.SerializedAnswers"/> keys on).
    /// </summary>
    public ItemStockFigures Current => _current;

    /// <summary>How many items the snapshot has a figure for.</summary>
    public int Count => _current.Count;

    /// <summary>Replaces the figures (readers see the old set or the new one, never a mix); the same figures keep the set.</summary>
    public void Replace(IEnumerable<ItemStockLevel> levels)
    {
        var available = new Dictionary<int, int>();
        foreach (var level in levels)
        {
            // The catalog's field is an int and never negative; Ordering's figure is a long.
            available[level.ItemId] = (int)Math.Clamp(level.Available, 0, int.MaxValue);
        }
        if (!_current.SameAs(available))
        {
            _current = new ItemStockFigures(available.ToFrozenDictionary());
        }
    }

    public bool TryGetAvailable(int itemId, out int available) => _current.TryGetAvailable(itemId, out available);

    public CatalogItemResponse Overlay(CatalogItemResponse item) => _current.Overlay(item);

    public CatalogItemsPage Overlay(CatalogItemsPage page) => _current.Overlay(page);
}

/// <summary>One report of Ordering's stock figures, by item id (immutable).</summary>
public sealed class ItemStockFigures(FrozenDictionary<int, int> available)
{
    public static readonly ItemStockFigures None = new(FrozenDictionary<int, int>.Empty);

    public int Count => available.Count;

    public bool TryGetAvailable(int itemId, out int units) => available.TryGetValue(itemId, out units);

    public bool SameAs(IReadOnlyDictionary<int, int> other) =>
        other.Count == available.Count && other.All(pair => available.TryGetValue(pair.Key, out var units) && units == pair.Value);

    public CatalogItemResponse Overlay(CatalogItemResponse item) =>
        TryGetAvailable(item.Id, out var units) && units != item.AvailableStock ? item with { AvailableStock = units } : item;

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
}
