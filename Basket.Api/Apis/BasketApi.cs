using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Shop.Basket.Api.Baskets;
using Shop.Basket.Api.Catalog;
using Shop.ServiceDefaults.Identity;
using Shop.ServiceDefaults.Http;
using Shop.ServiceDefaults.Problems;

namespace Shop.Basket.Api.Apis;

/// <summary>
/// The signed-in buyer's own basket (the token's subject; no route names a buyer, so no one reaches another's):
/// read it with the catalog's current names and prices, set or remove a line, empty it.
/// </summary>
public static class BasketApi
{
    public static RouteGroupBuilder MapBasketApi(this IEndpointRouteBuilder routes)
    {
        // A buyer's token: signed by Shop, with a subject (the basket's owner); without one, 403.
        var basket = routes.MapGroup("/api/basket")
            .RequireAuthorization(ShopRoles.UserPolicy).WithTags("Basket")
            .AnswerUnavailableDependencies("The basket cannot be read or changed for a moment: try again.")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        basket.MapGet("/", GetAsync).WithName("GetBasket")
            .WithSummary("My basket, with the catalog's current names and prices.");
        basket.MapPut("/items/{itemId:int}", SetQuantityAsync).WithName("SetBasketLine")
            .WithSummary("Put an item in my basket, or change its quantity.")
            .WithDescription("The quantity replaces the line's (1 to Basket:MaxQuantity); an item the catalog does not have is 404; " +
                "a new line in a full basket (Basket:MaxLines) is 409.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        basket.MapDelete("/items/{itemId:int}", RemoveLineAsync).WithName("RemoveBasketLine")
            .WithSummary("Take an item out of my basket.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        basket.MapDelete("/", ClearAsync).WithName("ClearBasket").WithSummary("Empty my basket.");
        return basket;
    }

    public static async Task<Ok<BasketView>> GetAsync(ClaimsPrincipal user, BasketStore store, CatalogItemsClient catalog, CancellationToken cancellationToken) =>
        TypedResults.Ok(await ViewAsync(user.UserId(), store, catalog, cancellationToken).ConfigureAwait(false));

    public static async Task<Results<Ok<BasketView>, ProblemHttpResult>> SetQuantityAsync(
        int itemId, SetQuantityRequest request, ClaimsPrincipal user, BasketStore store, CatalogItemsClient catalog,
        IOptions<BasketOptions> options, CancellationToken cancellationToken)
    {
        var limits = options.Value;
        if (request.Quantity < 1 || request.Quantity > limits.MaxQuantity)
        {
            return Problem(StatusCodes.Status400BadRequest, ProblemTypes.InvalidRequest,
                $"The quantity must be 1 to {limits.MaxQuantity} (it is {request.Quantity}); remove the line with DELETE to take the item out.");
        }
        if (await catalog.FindAsync(itemId, cancellationToken).ConfigureAwait(false) is not { } item)
        {
            return Problem(StatusCodes.Status404NotFound, ProblemTypes.ItemNotFound, $"The catalog has no item {itemId}.");
        }
        var buyer = user.UserId();
        if (!await store.SetLineAsync(buyer, itemId, request.Quantity).ConfigureAwait(false))
        {
            return Problem(StatusCodes.Status409Conflict, ProblemTypes.BasketFull,
                $"A basket holds at most {limits.MaxLines} different items: remove one, or check out first.");
        }
        return TypedResults.Ok(await ViewAsync(buyer, store, catalog, cancellationToken, item).ConfigureAwait(false));
    }

    public static async Task<Results<Ok<BasketView>, ProblemHttpResult>> RemoveLineAsync(
        int itemId, ClaimsPrincipal user, BasketStore store, CatalogItemsClient catalog, CancellationToken cancellationToken)
    {
        var buyer = user.UserId();
        if (!await store.RemoveLineAsync(buyer, itemId).ConfigureAwait(false))
        {
            return Problem(StatusCodes.Status404NotFound, ProblemTypes.NotInBasket, $"Item {itemId} is not in your basket.");
        }
        return TypedResults.Ok(await ViewAsync(buyer, store, catalog, cancellationToken).ConfigureAwait(false));
    }

    public static async Task<NoContent> ClearAsync(ClaimsPrincipal user, BasketStore store)
    {
        await store.ClearAsync(user.UserId()).ConfigureAwait(false);
        return TypedResults.NoContent();
    }

    /// <summary>The basket with each line's item as the catalog has it now; <paramref name="known"/> was just read, so it is not asked again.</summary>
    private static async Task<BasketView> ViewAsync(string buyer, BasketStore store, CatalogItemsClient catalog, CancellationToken cancellationToken, CatalogItem? known = null)
    {
        var lines = await store.GetAsync(buyer).ConfigureAwait(false);
        var items = await catalog.FindAllAsync(lines.Select(l => l.ItemId).Where(id => id != known?.Id), cancellationToken).ConfigureAwait(false);
        var view = lines.Select(line => (line.ItemId == known?.Id ? known : items[line.ItemId]) is { } item
                ? new BasketLine(line.ItemId, item.Name, item.Price, line.Quantity, item.Price * line.Quantity, item.PictureUrl, Available: true)
                : new BasketLine(line.ItemId, null, null, line.Quantity, null, null, Available: false))
            .ToList();
        var available = view.Where(l => l.Available).ToList();
        return new BasketView(view, available.Sum(l => l.Quantity), available.Sum(l => l.LineTotal!.Value));
    }


    private static ProblemHttpResult Problem(int status, string type, string detail) => TypedResults.Problem(statusCode: status, type: type, detail: detail);
}
