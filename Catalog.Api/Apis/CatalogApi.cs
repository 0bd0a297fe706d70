using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;
using Shop.Catalog.Api.Apis.Contracts;
using Shop.Catalog.Api.Caching;
using Shop.Catalog.Api.Infrastructure;
using Shop.Catalog.Api.Pictures;

namespace Shop.Catalog.Api.Apis;

/// <summary>The public read API of the catalog (anonymous, cached): items, item pictures, categories.</summary>
public static class CatalogApi
{
    public const int MaxPageSize = 100;
    public const int MaxPageIndex = 100_000;
    public const int MaxSearchLength = 100;

    public static RouteGroupBuilder MapCatalogApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/catalog").WithTags("Catalog");

        api.MapGet("/items", GetItemsAsync)
            .WithName("ListItems")
            .WithSummary("List items, a page at a time")
            .WithDescription("Items ordered by name, optionally of one category and/or whose name contains a text (case-insensitive, "
                + $"taken literally: % and _ are not wildcards). pageIndex ≥ 0, pageSize 1..{MaxPageSize}; anything else is a 400.");

        api.MapGet("/items/{id}", GetItemAsync)
            .WithName("GetItem")
            .WithSummary("Get one item")
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/items/{id}/pic", GetItemPictureAsync)
            .WithName("GetItemPicture")
            .WithSummary("Get an item's picture (SVG)")
            .WithDescription("Drawn from the item; cacheable for a year under the versioned URL given as the item's pictureUrl.")
            .Produces(StatusCodes.Status200OK, contentType: ItemPictures.ContentType)
            .Produces(StatusCodes.Status304NotModified)
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/categories", GetCategoriesAsync)
            .WithName("ListCategories")
            .WithSummary("List the categories");

        return api;
    }

    public static async Task<Results<Ok<CatalogItemsPage>, ValidationProblem>> GetItemsAsync(
        CatalogReader reader,
        [Description("Zero-based page number.")] int pageIndex = 0,
        [Description("Items per page, 1 to 100.")] int pageSize = 10,
        [Description("Only items of this category.")] int? categoryId = null,
        [Description("Only items whose name contains this text (case-insensitive, literal).")] string? name = null,
        CancellationToken cancellationToken = default)
    {
        var errors = new ValidationErrors();
        if (pageIndex is < 0 or > MaxPageIndex)
        {
            errors.Add("pageIndex", $"'pageIndex' must be between 0 and {MaxPageIndex} (it is {pageIndex}).");
        }
        if (pageSize is < 1 or > MaxPageSize)
        {
            errors.Add("pageSize", $"'pageSize' must be between 1 and {MaxPageSize} (it is {pageSize}).");
        }
        if (categoryId is < 1)
        {
            errors.Add("categoryId", $"'categoryId' must be a positive number (it is {categoryId}).");
        }
        var search = string.IsNullOrWhiteSpace(name) ? null : errors.RequiredText("name", name, MaxSearchLength);
        if (!errors.IsValid)
        {
            return Problems.Validation(errors);
        }

        return TypedResults.Ok(await reader.GetItemsPageAsync(pageIndex, pageSize, categoryId, search, cancellationToken).ConfigureAwait(false));
    }

    public static async Task<Results<Ok<CatalogItemResponse>, ProblemHttpResult>> GetItemAsync(
        int id, CatalogReader reader, CancellationToken cancellationToken)
    {
        var item = id > 0 ? await reader.GetItemAsync(id, cancellationToken).ConfigureAwait(false) : null;
        return item is null ? Problems.NotFound($"There is no catalog item with id {id}.") : TypedResults.Ok(item);
    }

    public static async Task<Results<FileContentHttpResult, StatusCodeHttpResult, ProblemHttpResult>> GetItemPictureAsync(
        int id, [FromQuery(Name = "v")] string? version, CatalogReader reader, HttpContext httpContext, CancellationToken cancellationToken)
    {
        var item = id > 0 ? await reader.GetItemAsync(id, cancellationToken).ConfigureAwait(false) : null;
        if (item is null)
        {
            return Problems.NotFound($"There is no catalog item with id {id}.");
        }

        var current = item.PictureUrl[(item.PictureUrl.IndexOf("?v=", StringComparison.Ordinal) + 3)..];
        var etag = new EntityTagHeaderValue($"\"{id}-{current}\"");
        var headers = httpContext.Response.GetTypedHeaders();
        headers.ETag = etag;
        // The versioned URL never changes content; any other (old or no version) may, so it is revalidated.
        headers.CacheControl = version == current
            ? new CacheControlHeaderValue { Public = true, MaxAge = TimeSpan.FromDays(365), Extensions = { new NameValueHeaderValue("immutable") } }
            : new CacheControlHeaderValue { Public = true, NoCache = true };

        var ifNoneMatch = httpContext.Request.GetTypedHeaders().IfNoneMatch;
        if (ifNoneMatch.Any(tag => tag.Compare(etag, useStrongComparison: false)))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }
        return TypedResults.Bytes(System.Text.Encoding.UTF8.GetBytes(ItemPictures.Render(item)), ItemPictures.ContentType);
    }

    public static async Task<Ok<List<CategoryResponse>>> GetCategoriesAsync(CatalogReader reader, CancellationToken cancellationToken) =>
        TypedResults.Ok(await reader.GetCategoriesAsync(cancellationToken).ConfigureAwait(false));
}
