namespace Shop.Catalog.Api.Apis.Contracts;

/// <summary>One item as every read endpoint shows it.</summary>
/// <param name="PictureUrl">Relative URL of the item's picture; the query string changes whenever the picture does.</param>
public sealed record CatalogItemResponse(
    int Id,
    string Name,
    string Description,
    decimal Price,
    int CategoryId,
    string CategoryName,
    int AvailableStock,
    string PictureUrl);

/// <summary>One page of items: <see cref="Count"/> is the number of items matching the filters, over all pages.</summary>
public sealed record CatalogItemsPage(int PageIndex, int PageSize, long Count, IReadOnlyList<CatalogItemResponse> Data);

public sealed record CategoryResponse(int Id, string Name);
