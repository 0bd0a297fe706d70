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
    private volatile FrozenDictionary<int, int> _available = FrozenDictionary<int, int>.Empty;

    /// <summary>How many items the snapshot has a figure for.</summary>
    public int Count => _available.Count;

    /// <summary>Replaces the whole snapshot (readers see the old one or the new one, never a mix).</summary>
    public void Replace(IEnumerable<ItemStockLevel> levels)
    {
        var available = new Dictionary<int, int>();
        foreach (var level in levels)
        {
            // The catalog's field is an int and never negative; Ordering's figure is a long.
            available[level.ItemId] = (int)Math.Clamp(level.Available, 0, int.MaxValue);
        }
        _available = available.ToFrozenDictionary();
    }

    public bool TryGetAvailable(int itemId, out int available) => _available.TryGetValue(itemId, out available);

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
}
