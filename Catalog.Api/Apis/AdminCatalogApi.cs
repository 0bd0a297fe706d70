using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Shop.Catalog.Api.Apis.Contracts;
using Shop.Catalog.Api.Caching;
using Shop.Catalog.Api.Data;
using Shop.Catalog.Api.Infrastructure;
using Shop.Catalog.Api.Messaging;
using Shop.Catalog.Api.Pictures;
using Shop.Catalog.Data;
using Shop.ServiceDefaults.Identity;

namespace Shop.Catalog.Api.Apis;

/// <summary>
/// Item administration (admin role): create, replace, delete. Every change is announced (<c>CatalogItemChanged</c>,
/// saved in the same SaveChanges as the change, so Ordering learns every stock the admin sets: docs/checkout.md) and
/// committed first, then the read cache is invalidated, so the next read shows it. A change of name or price is also
/// re-announced for the item's live and upcoming sales (their announcements carry the item's name and regular price).
/// The answers show the item as stored, stock as the admin set it; the read API shows Ordering's live figure.
/// </summary>
public static class AdminCatalogApi
{
    public const decimal MaxPrice = 1_000_000m;
    public const int MaxStock = 10_000_000;

    public static RouteGroupBuilder MapAdminCatalogApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/admin/catalog")
            .WithTags("Admin: catalog")
            .RequireAuthorization(ShopRoles.AdminPolicy)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        api.MapPost("/items", CreateItemAsync)
            .WithName("CreateItem")
            .WithSummary("Create an item");

        api.MapPut("/items/{id}", UpdateItemAsync)
            .WithName("UpdateItem")
            .WithSummary("Replace an item's name, description, price, category and stock")
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapDelete("/items/{id}", DeleteItemAsync)
            .WithName("DeleteItem")
            .WithSummary("Delete an item")
            .WithDescription("409 when the item has (or had) a flash sale that was not cancelled: its sale history stays.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        api.MapGet("/cache-stats", GetCacheStats)
            .WithName("GetCacheStats")
            .WithSummary("The read cache's counters of the replica that answers");

        return api;
    }

    public static async Task<Results<Created<CatalogItemResponse>, ValidationProblem>> CreateItemAsync(
        CatalogItemRequest request, CatalogDbContext db, CatalogCache cache, OutboxSignal outbox, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var fields = await ValidateAsync(request, errors, db, cancellationToken).ConfigureAwait(false);
        if (fields is null)
        {
            return Problems.Validation(errors);
        }

        var now = time.GetUtcNow();
        var item = new CatalogItem
        {
            // The announcement names the id, and is saved with the insert: the id cannot wait for the insert.
            Id = await CatalogItemIds.NextAsync(db, cancellationToken).ConfigureAwait(false),
            Name = fields.Name,
            Description = fields.Description,
            Price = fields.Price,
            CategoryId = fields.Category.Id,
            Category = fields.Category,
            AvailableStock = fields.Stock,
            Version = 1,
            StockVersion = 1,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Items.Add(item);
        db.OutboxMessages.Add(OutboxMessages.CatalogItemChanged(item, now));
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await cache.InvalidateAsync().ConfigureAwait(false);
        outbox.Notify();
        return TypedResults.Created($"/api/catalog/items/{item.Id}", ToResponse(item));
    }

    public static async Task<Results<Ok<CatalogItemResponse>, ValidationProblem, ProblemHttpResult>> UpdateItemAsync(
        int id, CatalogItemRequest request, CatalogDbContext db, CatalogCache cache, OutboxSignal outbox, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var item = id > 0 ? await db.Items.Include(i => i.Category).SingleOrDefaultAsync(i => i.Id == id, cancellationToken).ConfigureAwait(false) : null;
        if (item is null)
        {
            return Problems.NotFound($"There is no catalog item with id {id}.");
        }
        var errors = new ValidationErrors();
        var fields = await ValidateAsync(request, errors, db, cancellationToken).ConfigureAwait(false);
        if (fields is null)
        {
            return Problems.Validation(errors);
        }

        var now = time.GetUtcNow();
        var saleTermsChanged = item.Name != fields.Name || item.Price != fields.Price;
        // Ordering applies a stock once per stock version: a PUT that repeats the stored stock (a change of name or
        // price, say) keeps the stock version, so the units sold since the admin last set it are not handed out again.
        var stockSet = item.AvailableStock != fields.Stock;
        item.Name = fields.Name;
        item.Description = fields.Description;
        item.Price = fields.Price;
        item.CategoryId = fields.Category.Id;
        item.Category = fields.Category;
        item.AvailableStock = fields.Stock;
        item.UpdatedAt = now;
        item.Version++;
        if (stockSet)
        {
            item.StockVersion = item.Version;
        }
        db.OutboxMessages.Add(OutboxMessages.CatalogItemChanged(item, now));
        if (saleTermsChanged)
        {
            var sales = await db.FlashSales
                .Where(s => s.ItemId == id && s.State == FlashSaleState.Scheduled && s.EndsAt > now)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            foreach (var sale in sales)
            {
                sale.Version++;
                sale.UpdatedAt = now;
                db.OutboxMessages.Add(OutboxMessages.FlashSaleChanged(sale, item, now));
            }
        }
        try
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateConcurrencyException)
        {
            // The item's version (or a sale's) is the concurrency token: two edits at once cannot announce one version twice.
            return Problems.Conflict("The item or one of its flash sales changed at the same time; reload and try again.");
        }
        await cache.InvalidateAsync().ConfigureAwait(false);
        outbox.Notify();
        return TypedResults.Ok(ToResponse(item));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteItemAsync(
        int id, CatalogDbContext db, CatalogCache cache, OutboxSignal outbox, TimeProvider time, CancellationToken cancellationToken)
    {
        var item = id > 0 ? await db.Items.FindAsync([id], cancellationToken).ConfigureAwait(false) : null;
        if (item is null)
        {
            return Problems.NotFound($"There is no catalog item with id {id}.");
        }
        var sales = await db.FlashSales.Where(s => s.ItemId == id).ToListAsync(cancellationToken).ConfigureAwait(false);
        if (sales.Any(s => s.State != FlashSaleState.Cancelled))
        {
            return Problems.Conflict($"Item {id} has a flash sale that was not cancelled; an item with a sale history cannot be deleted.");
        }

        // The last announcement: Ordering stops selling the item. The row goes, so the version lives on in the event;
        // the delete still checks the version read above (EF compares the original value).
        item.Version++;
        db.OutboxMessages.Add(OutboxMessages.CatalogItemChanged(item, time.GetUtcNow(), deleted: true));
        db.FlashSales.RemoveRange(sales);
        db.Items.Remove(item);
        try
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateException exception) when (DatabaseErrors.IsForeignKeyViolation(exception) || exception is DbUpdateConcurrencyException)
        {
            // A sale was created for it meanwhile (the foreign key is RESTRICT), or an admin changed it.
            return Problems.Conflict($"Item {id} got a flash sale or changed meanwhile; reload and try again.");
        }
        await cache.InvalidateAsync().ConfigureAwait(false);
        outbox.Notify();
        return TypedResults.NoContent();
    }

    public static Ok<CacheStatsResponse> GetCacheStats(CacheMetrics metrics)
    {
        var s = metrics.Snapshot();
        return TypedResults.Ok(new CacheStatsResponse(s.MemoryHits + s.RedisHits, s.MemoryHits, s.RedisHits, s.Misses, s.Loads, s.Coalesced, s.RedisErrors));
    }

    private sealed record ItemFields(string Name, string Description, decimal Price, CatalogCategory Category, int Stock);

    private static async Task<ItemFields?> ValidateAsync(CatalogItemRequest request, ValidationErrors errors, CatalogDbContext db, CancellationToken cancellationToken)
    {
        var name = errors.RequiredText("name", request.Name, CatalogItem.NameMaxLength);
        var description = errors.RequiredText("description", request.Description, CatalogItem.DescriptionMaxLength, multiline: true, allowEmpty: true);
        var price = errors.RequiredPrice("price", request.Price, MaxPrice);
        var stock = errors.RequiredInt("availableStock", request.AvailableStock, 0, MaxStock);
        var categoryId = errors.RequiredInt("categoryId", request.CategoryId, 1, int.MaxValue);
        CatalogCategory? category = null;
        if (categoryId is int cid)
        {
            category = await db.Categories.FindAsync([cid], cancellationToken).ConfigureAwait(false);
            if (category is null)
            {
                errors.Add("categoryId", $"There is no category with id {cid}.");
            }
        }
        return errors.IsValid ? new ItemFields(name!, description!, price!.Value, category!, stock!.Value) : null;
    }

    private static CatalogItemResponse ToResponse(CatalogItem item) =>
        new(item.Id, item.Name, item.Description, item.Price, item.CategoryId, item.Category.Name, item.AvailableStock, ItemPictures.Url(item.Id, item.UpdatedAt));
}
