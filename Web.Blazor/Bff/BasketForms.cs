using Shop.ServiceDefaults.Identity;
using System.Globalization;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.WebUtilities;
using Shop.Web.Identity;
using Shop.Web.Presentation;
using Shop.Web.Services;

namespace Shop.Web.Bff;

/// <summary>
/// "Add to basket" on the catalog grid and the item page: a plain form post (antiforgery-checked), then back to
/// the page it came from with a notice (<c>?basket=added&amp;item=12#item-12</c>), so those pages stay plain HTML
/// with no script and no circuit.
/// </summary>
public static class BasketForms
{
    public const string Path = "/basket/items";

    public static IEndpointRouteBuilder MapBasketForms(this IEndpointRouteBuilder routes)
    {
        routes.MapPost(Path, AddAsync);
        return routes;
    }

    public static async Task<IResult> AddAsync(HttpContext http, IAntiforgery antiforgery, BasketApiClient baskets)
    {
        var form = await http.Request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false);
        var returnUrl = ShopperSession.SafeReturnUrl(form["returnUrl"]);
        if (!int.TryParse(form["itemId"], NumberStyles.None, CultureInfo.InvariantCulture, out var itemId) || itemId <= 0)
        {
            return Results.LocalRedirect(returnUrl);
        }
        if (!await antiforgery.IsRequestValidAsync(http).ConfigureAwait(false))
        {
            return Back(returnUrl, BasketNotices.ExpiredForm, itemId);
        }
        var token = await http.GetAccessTokenAsync(ShopAudiences.BasketApi).ConfigureAwait(false);
        if (token is null)
        {
            // Not signed in (or the session ended): sign in, then back to the page, where the button is again.
            return Results.LocalRedirect("/signin?returnUrl=" + Uri.EscapeDataString(returnUrl));
        }
        var quantity = int.TryParse(form["quantity"], NumberStyles.None, CultureInfo.InvariantCulture, out var asked) ? Math.Clamp(asked, 1, BasketApiClient.MaxQuantity) : 1;
        try
        {
            return Back(returnUrl, await AddToLineAsync(baskets, token, itemId, quantity, http.RequestAborted).ConfigureAwait(false), itemId);
        }
        catch (ShopApiException e) when (e.IsUnauthorized)
        {
            await ShopperSession.SignOutIfRefusedAsync(http, StatusCodes.Status401Unauthorized).ConfigureAwait(false);
            return Results.LocalRedirect("/signin?returnUrl=" + Uri.EscapeDataString(returnUrl));
        }
        catch (ShopApiException)
        {
            return Back(returnUrl, BasketNotices.Unavailable, itemId);
        }
    }

    /// <summary>Adds to the line what the shopper asked for (basket-api sets a quantity), up to the most a line holds.</summary>
    private static async Task<string> AddToLineAsync(BasketApiClient baskets, string token, int itemId, int quantity, CancellationToken cancellationToken)
    {
        var basket = await baskets.GetAsync(token, cancellationToken).ConfigureAwait(false);
        var current = basket.Items.FirstOrDefault(line => line.ItemId == itemId)?.Quantity ?? 0;
        if (current >= BasketApiClient.MaxQuantity)
        {
            return BasketNotices.AtMost;
        }
        var (_, problem) = await baskets.SetQuantityAsync(token, itemId, Math.Min(current + quantity, BasketApiClient.MaxQuantity), cancellationToken).ConfigureAwait(false);
        return problem is null ? BasketNotices.Added : BasketNotices.ForProblem(problem);
    }

    /// <summary>The page the form came from, with the notice for the item (any earlier notice replaced).</summary>
    public static IResult Back(string returnUrl, string notice, int itemId)
    {
        var at = returnUrl.IndexOf('?', StringComparison.Ordinal);
        var path = at < 0 ? returnUrl : returnUrl[..at];
        var query = at < 0 ? [] : QueryHelpers.ParseQuery(returnUrl[at..]);
        var kept = query.Where(pair => pair.Key is not ("basket" or "item"))
            .SelectMany(pair => pair.Value.Select(value => new KeyValuePair<string, string?>(pair.Key, value)))
            .Append(new("basket", notice))
            .Append(new("item", itemId.ToString(CultureInfo.InvariantCulture)));
        return Results.LocalRedirect(QueryHelpers.AddQueryString(path, kept) + "#item-" + itemId.ToString(CultureInfo.InvariantCulture));
    }
}
