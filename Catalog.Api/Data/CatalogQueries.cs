using Microsoft.EntityFrameworkCore;
using Shop.Catalog.Api.Apis.Contracts;
using Shop.Catalog.Api.Pictures;
using Shop.Catalog.Data;

namespace Shop.Catalog.Api.Data;

/// <summary>The database side of the read API: one query per read model, projected straight into the responses.</summary>
public static class CatalogQueries
{
    /// <summary>One page of items, ordered by name then id (a stable order, so pages neither skip nor repeat).</summary>
    /// <param name="name">Case-insensitive substring of the name. It is a bound parameter and its LIKE wildcards
    /// (<c>%</c>, <c>_</c>) and the escape character are escaped, so every character is matched literally.</param>
    public static async Task<CatalogItemsPage> GetItemsPageAsync(
        CatalogDbContext db, int pageIndex, int pageSize, int? categoryId, string? name, CancellationToken cancellationToken)
    {
        var query = db.Items.AsNoTracking();
        if (categoryId is int category)
        {
            query = query.Where(i => i.CategoryId == category);
        }
        if (!string.IsNullOrEmpty(name))
        {
            var pattern = "%" + EscapeLike(name) + "%";
            query = query.Where(i => EF.Functions.ILike(i.Name, pattern, @"\"));
        }

        var count = await query.LongCountAsync(cancellationToken).ConfigureAwait(false);
        var items = await query
            .OrderBy(i => i.Name).ThenBy(i => i.Id)
            .Skip(pageIndex * pageSize).Take(pageSize)
            .Select(i => new { i.Id, i.Name, i.Description, i.Price, i.CategoryId, CategoryName = i.Category.Name, i.AvailableStock, i.UpdatedAt })
            .ToListAsync(cancellationToken).ConfigureAwait(false);

        return new CatalogItemsPage(pageIndex, pageSize, count, items
            .Select(i => new CatalogItemResponse(i.Id, i.Name, i.Description, i.Price, i.CategoryId, i.CategoryName, i.AvailableStock,
                ItemPictures.Url(i.Id, i.UpdatedAt)))
            .ToList());
    }

    public static async Task<CatalogItemResponse?> GetItemAsync(CatalogDbContext db, int id, CancellationToken cancellationToken)
    {
        var item = await db.Items.AsNoTracking()
            .Where(i => i.Id == id)
            .Select(i => new { i.Id, i.Name, i.Description, i.Price, i.CategoryId, CategoryName = i.Category.Name, i.AvailableStock, i.UpdatedAt })
            .SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return item is null
            ? null
            : new CatalogItemResponse(item.Id, item.Name, item.Description, item.Price, item.CategoryId, item.CategoryName, item.AvailableStock,
                ItemPictures.Url(item.Id, item.UpdatedAt));
    }

    public static Task<List<CategoryResponse>> GetCategoriesAsync(CatalogDbContext db, CancellationToken cancellationToken) =>
        db.Categories.AsNoTracking().OrderBy(c => c.Name).Select(c => new CategoryResponse(c.Id, c.Name)).ToListAsync(cancellationToken);

    /// <summary>Sales that are not cancelled and not over at <paramref name="now"/>, soonest first.</summary>
    public static async Task<List<FlashSaleResponse>> GetCurrentSalesAsync(CatalogDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var sales = await db.FlashSales.AsNoTracking()
            .Where(s => s.State == FlashSaleState.Scheduled && s.EndsAt > now)
            .OrderBy(s => s.StartsAt).ThenBy(s => s.Id)
            .Include(s => s.Item)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return sales.Select(s => ToResponse(s, now)).ToList();
    }

    public static Task<List<Guid>> GetSaleIdsAsync(CatalogDbContext db, CancellationToken cancellationToken) =>
        db.FlashSales.AsNoTracking().OrderBy(s => s.Id).Select(s => s.Id).ToListAsync(cancellationToken);

    public static async Task<FlashSaleResponse?> GetSaleAsync(CatalogDbContext db, Guid id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var sale = await db.FlashSales.AsNoTracking().Include(s => s.Item)
            .SingleOrDefaultAsync(s => s.Id == id, cancellationToken).ConfigureAwait(false);
        return sale is null ? null : ToResponse(sale, now);
    }

    /// <summary>The sale as the API shows it; <see cref="FlashSale.Item"/> must be loaded.</summary>
    public static FlashSaleResponse ToResponse(FlashSale sale, DateTimeOffset now) => new(
        sale.Id,
        sale.ItemId,
        sale.Item.Name,
        ItemPictures.Url(sale.ItemId, sale.Item.UpdatedAt),
        sale.Item.Price,
        sale.SalePrice,
        sale.Quantity,
        sale.PerBuyerLimit,
        sale.StartsAt,
        sale.EndsAt,
        FlashSales.FlashSaleRules.PhaseAt(sale.State, sale.StartsAt, sale.EndsAt, now),
        sale.Version);

    /// <summary>Escapes the LIKE wildcards and the escape character itself (backslash).</summary>
    public static string EscapeLike(string text) =>
        text.Replace(@"\", @"\\", StringComparison.Ordinal)
            .Replace("%", @"\%", StringComparison.Ordinal)
            .Replace("_", @"\_", StringComparison.Ordinal);
}
