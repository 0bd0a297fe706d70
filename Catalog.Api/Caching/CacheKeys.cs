using System.Globalization;

namespace Shop.Catalog.Api.Caching;

/// <summary>The cache keys of the catalog's read models (under <see cref="CatalogCacheOptions.KeyPrefix"/>).</summary>
public static class CacheKeys
{
    /// <summary>The tag on every cached read model: an admin change retires them all at once.</summary>
    public const string ReadModelsTag = "read-models";

    public const string Categories = "categories";

    public const string CurrentSales = "sales:current";

    /// <summary>The id of every sale, ended and cancelled ones too (the storefront answers other ids without asking).</summary>
    public const string SaleIds = "sales:ids";

    public static string Item(int id) => string.Create(CultureInfo.InvariantCulture, $"item:{id}");

    public static string Sale(Guid id) => string.Create(CultureInfo.InvariantCulture, $"sale:{id:N}");

    /// <summary>A page of the item list. The search text is matched case-insensitively, so it is keyed in lower case.</summary>
    public static string ItemsPage(int pageIndex, int pageSize, int? categoryId, string? name) =>
        string.Create(CultureInfo.InvariantCulture, $"items:{pageIndex}:{pageSize}:{categoryId}:{name?.ToLowerInvariant()}");
}
