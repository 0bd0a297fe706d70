using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Shop.Catalog.Api.Apis.Contracts;
using Shop.Catalog.Api.Caching;
using Shop.Catalog.Api.Data;
using Shop.Catalog.Api.FlashSales;
using Shop.Catalog.Api.Infrastructure;
using Shop.Catalog.Api.Messaging;
using Shop.Catalog.Data;
using Shop.ServiceDefaults.Identity;

namespace Shop.Catalog.Api.Apis;

/// <summary>
/// Flash-sale administration (admin role): create, replace terms, cancel, list all. Each change and its
/// <c>FlashSaleChanged</c> announcement are saved in one transaction (outbox); the publisher is woken after the
/// commit and the read cache invalidated. Rules: <see cref="FlashSaleRules"/>; overlapping sales of one item are
/// refused by the handler and, under concurrency, by the database's exclusion constraint (both 409).
/// </summary>
public static class AdminFlashSalesApi
{
    public static RouteGroupBuilder MapAdminFlashSalesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/admin/flash-sales")
            .WithTags("Admin: flash sales")
            .RequireAuthorization(ShopRoles.AdminPolicy)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        api.MapGet("/", ListSalesAsync)
            .WithName("AdminListFlashSales")
            .WithSummary("List every flash sale, newest first (not cached; at most 500)");

        api.MapPost("/", CreateSaleAsync)
            .WithName("CreateFlashSale")
            .WithSummary("Create a flash sale and announce it")
            .WithDescription("400 for invalid terms (price, quantity, limit, window) or an unknown item; 409 when the item already has a sale whose window overlaps.")
            .ProducesProblem(StatusCodes.Status409Conflict);

        api.MapPut("/{id}", UpdateSaleAsync)
            .WithName("UpdateFlashSale")
            .WithSummary("Replace a flash sale's terms and announce the change")
            .WithDescription("Once the sale has started its quantity and start are fixed (409); a cancelled or ended sale cannot change (409).")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        api.MapPost("/{id}/cancel", CancelSaleAsync)
            .WithName("CancelFlashSale")
            .WithSummary("Cancel a flash sale and announce it")
            .WithDescription("Cancelling a cancelled sale changes nothing (200); an ended sale cannot be cancelled (409).")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        return api;
    }

    public static async Task<Ok<List<FlashSaleResponse>>> ListSalesAsync(CatalogDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var sales = await db.FlashSales.AsNoTracking().Include(s => s.Item)
            .OrderByDescending(s => s.CreatedAt).ThenBy(s => s.Id).Take(500)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(sales.Select(s => CatalogQueries.ToResponse(s, now)).ToList());
    }

    public static async Task<Results<Created<FlashSaleResponse>, ValidationProblem, ProblemHttpResult>> CreateSaleAsync(
        CreateFlashSaleRequest request, CatalogDbContext db, CatalogCache cache, OutboxSignal outbox, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var errors = new ValidationErrors();
        var itemId = errors.RequiredInt("itemId", request.ItemId, 1, int.MaxValue);
        var terms = FlashSaleRules.ValidateTerms(errors, request.SalePrice, request.Quantity, request.PerBuyerLimit, request.StartsAt, request.EndsAt, now);
        var item = itemId is int id ? await db.Items.FindAsync([id], cancellationToken).ConfigureAwait(false) : null;
        if (itemId is int unknown && item is null)
        {
            errors.Add("itemId", $"There is no catalog item with id {unknown}.");
        }
        if (item is not null && terms is not null && terms.SalePrice > item.Price)
        {
            errors.Add("salePrice", $"'salePrice' ({terms.SalePrice}) must not exceed the item's regular price ({item.Price}).");
        }
        if (!errors.IsValid || item is null || terms is null)
        {
            return Problems.Validation(errors);
        }

        if (await FindOverlapAsync(db, item.Id, Guid.Empty, terms, cancellationToken).ConfigureAwait(false) is Guid other)
        {
            return Problems.Conflict($"Item {item.Id} already has flash sale {other} in an overlapping window; cancel it or choose another window.");
        }

        var sale = new FlashSale
        {
            Id = Guid.CreateVersion7(now),
            ItemId = item.Id,
            Item = item,
            SalePrice = terms.SalePrice,
            Quantity = terms.Quantity,
            PerBuyerLimit = terms.PerBuyerLimit,
            StartsAt = terms.StartsAt,
            EndsAt = terms.EndsAt,
            State = FlashSaleState.Scheduled,
            Version = 1,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.FlashSales.Add(sale);
        db.OutboxMessages.Add(OutboxMessages.FlashSaleChanged(sale, item, now));
        if (await TrySaveAsync(db, item.Id, cancellationToken).ConfigureAwait(false) is { } conflict)
        {
            return conflict;
        }
        await AfterCommitAsync(cache, outbox).ConfigureAwait(false);
        return TypedResults.Created($"/api/flash-sales/{sale.Id}", CatalogQueries.ToResponse(sale, now));
    }

    public static async Task<Results<Ok<FlashSaleResponse>, ValidationProblem, ProblemHttpResult>> UpdateSaleAsync(
        Guid id, UpdateFlashSaleRequest request, CatalogDbContext db, CatalogCache cache, OutboxSignal outbox, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var sale = await db.FlashSales.Include(s => s.Item).SingleOrDefaultAsync(s => s.Id == id, cancellationToken).ConfigureAwait(false);
        if (sale is null)
        {
            return Problems.NotFound($"There is no flash sale with id {id}.");
        }
        var now = time.GetUtcNow();
        if (FlashSaleRules.CheckCancelledOrEnded(sale, now) is string closed)
        {
            return Problems.Conflict(closed);
        }

        var errors = new ValidationErrors();
        var terms = FlashSaleRules.ValidateTerms(errors, request.SalePrice, request.Quantity, request.PerBuyerLimit, request.StartsAt, request.EndsAt, now);
        if (terms is not null && terms.SalePrice > sale.Item.Price)
        {
            errors.Add("salePrice", $"'salePrice' ({terms.SalePrice}) must not exceed the item's regular price ({sale.Item.Price}).");
        }
        if (!errors.IsValid || terms is null)
        {
            return Problems.Validation(errors);
        }
        if (FlashSaleRules.CheckUpdate(sale, terms, now) is string refused)
        {
            return Problems.Conflict(refused);
        }
        if (FlashSaleRules.SameTerms(sale, terms))
        {
            return TypedResults.Ok(CatalogQueries.ToResponse(sale, now)); // nothing to change, nothing to announce
        }
        if (await FindOverlapAsync(db, sale.ItemId, sale.Id, terms, cancellationToken).ConfigureAwait(false) is Guid other)
        {
            return Problems.Conflict($"Item {sale.ItemId} already has flash sale {other} in an overlapping window.");
        }

        sale.SalePrice = terms.SalePrice;
        sale.Quantity = terms.Quantity;
        sale.PerBuyerLimit = terms.PerBuyerLimit;
        sale.StartsAt = terms.StartsAt;
        sale.EndsAt = terms.EndsAt;
        sale.Version++;
        sale.UpdatedAt = now;
        db.OutboxMessages.Add(OutboxMessages.FlashSaleChanged(sale, sale.Item, now));
        if (await TrySaveAsync(db, sale.ItemId, cancellationToken).ConfigureAwait(false) is { } conflict)
        {
            return conflict;
        }
        await AfterCommitAsync(cache, outbox).ConfigureAwait(false);
        return TypedResults.Ok(CatalogQueries.ToResponse(sale, now));
    }

    public static async Task<Results<Ok<FlashSaleResponse>, ProblemHttpResult>> CancelSaleAsync(
        Guid id, CatalogDbContext db, CatalogCache cache, OutboxSignal outbox, TimeProvider time, CancellationToken cancellationToken)
    {
        var sale = await db.FlashSales.Include(s => s.Item).SingleOrDefaultAsync(s => s.Id == id, cancellationToken).ConfigureAwait(false);
        if (sale is null)
        {
            return Problems.NotFound($"There is no flash sale with id {id}.");
        }
        var now = time.GetUtcNow();
        if (sale.State == FlashSaleState.Cancelled)
        {
            return TypedResults.Ok(CatalogQueries.ToResponse(sale, now));
        }
        if (FlashSaleRules.CheckCancel(sale, now) is string refused)
        {
            return Problems.Conflict(refused);
        }

        sale.State = FlashSaleState.Cancelled;
        sale.Version++;
        sale.UpdatedAt = now;
        db.OutboxMessages.Add(OutboxMessages.FlashSaleChanged(sale, sale.Item, now));
        if (await TrySaveAsync(db, sale.ItemId, cancellationToken).ConfigureAwait(false) is { } conflict)
        {
            return conflict;
        }
        await AfterCommitAsync(cache, outbox).ConfigureAwait(false);
        return TypedResults.Ok(CatalogQueries.ToResponse(sale, now));
    }

    /// <summary>Another scheduled sale of the item whose window overlaps (half-open windows: back to back is fine).</summary>
    private static async Task<Guid?> FindOverlapAsync(CatalogDbContext db, int itemId, Guid exceptSaleId, SaleTerms terms, CancellationToken cancellationToken)
    {
        var other = await db.FlashSales.AsNoTracking()
            .Where(s => s.ItemId == itemId && s.Id != exceptSaleId && s.State == FlashSaleState.Scheduled
                && s.StartsAt < terms.EndsAt && terms.StartsAt < s.EndsAt)
            .Select(s => (Guid?)s.Id)
            .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return other;
    }

    /// <summary>Saves; a concurrent change that the checks could not see becomes a 409 (nothing is written).</summary>
    private static async Task<ProblemHttpResult?> TrySaveAsync(CatalogDbContext db, int itemId, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (DbUpdateConcurrencyException)
        {
            return Problems.Conflict("The sale was changed by someone else meanwhile; reload it and try again.");
        }
        catch (DbUpdateException exception) when (DatabaseErrors.IsOverlap(exception))
        {
            return Problems.Conflict($"Item {itemId} got another flash sale in an overlapping window meanwhile.");
        }
        catch (DbUpdateException exception) when (DatabaseErrors.IsForeignKeyViolation(exception))
        {
            return Problems.Conflict($"Item {itemId} was deleted meanwhile.");
        }
    }

    private static async Task AfterCommitAsync(CatalogCache cache, OutboxSignal outbox)
    {
        outbox.Notify();
        await cache.InvalidateAsync().ConfigureAwait(false);
    }
}
