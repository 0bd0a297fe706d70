using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Shop.ServiceDefaults.Identity;
using Shop.Web.Identity;
using Shop.Web.Services;
using Shop.ServiceDefaults.Problems;

namespace Shop.Web.Bff;

/// <summary>
/// Plain HTML form posts (antiforgery-checked, then Post/Redirect/Get): sign-out, pay and cancel an order,
/// cancel a sale. They make those buttons work without script; with script, the pages call the /bff endpoints
/// and update in place.
/// </summary>
public static class FormEndpoints
{
    public static IEndpointRouteBuilder MapFormEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/signout", SignOutAsync);
        var shopper = routes.MapGroup("/orders").RequireAuthorization();
        shopper.MapPost("/{orderId:guid}/pay", (Guid orderId, HttpContext http, IAntiforgery antiforgery, OrderingApiClient ordering) =>
            ChangeOrderAsync(orderId, OrderAction.Pay, http, antiforgery, ordering));
        shopper.MapPost("/{orderId:guid}/cancel", (Guid orderId, HttpContext http, IAntiforgery antiforgery, OrderingApiClient ordering) =>
            ChangeOrderAsync(orderId, OrderAction.Cancel, http, antiforgery, ordering));
        routes.MapPost("/admin/sales/{saleId:guid}/cancel", CancelSaleAsync).RequireAuthorization(ShopRoles.AdminPolicy);
        return routes;
    }

    public static async Task<IResult> SignOutAsync(HttpContext http, IAntiforgery antiforgery)
    {
        if (await antiforgery.IsRequestValidAsync(http).ConfigureAwait(false))
        {
            await ShopperSession.EndSessionAsync(http).ConfigureAwait(false);
        }
        return Results.LocalRedirect("/");
    }

    public static async Task<IResult> ChangeOrderAsync(Guid orderId, OrderAction action, HttpContext http, IAntiforgery antiforgery, OrderingApiClient ordering)
    {
        if (!await antiforgery.IsRequestValidAsync(http).ConfigureAwait(false))
        {
            return Results.LocalRedirect("/orders?notice=expired-form");
        }
        var token = await http.GetAccessTokenAsync(ShopAudiences.OrderingApi).ConfigureAwait(false);
        if (token is null)
        {
            return Results.LocalRedirect("/signin?returnUrl=%2Forders");
        }
        string notice;
        try
        {
            using var response = await ordering.ChangeOrderAsync(token, orderId, action, http.RequestAborted).ConfigureAwait(false);
            if ((int)response.StatusCode == StatusCodes.Status401Unauthorized)
            {
                await ShopperSession.SignOutIfRefusedAsync(http, 401).ConfigureAwait(false);
                return Results.LocalRedirect("/signin?returnUrl=%2Forders");
            }
            var problem = response.IsSuccessStatusCode ? null : await ApiHttp.ReadProblemAsync(response, http.RequestAborted).ConfigureAwait(false);
            notice = OrderNotices.For(action, (int)response.StatusCode, problem?.Type);
        }
        catch (ShopApiException)
        {
            notice = OrderNotices.Unavailable;
        }
        return Results.LocalRedirect($"/orders?notice={notice}&order={orderId}");
    }

    public static async Task<IResult> CancelSaleAsync(Guid saleId, HttpContext http, IAntiforgery antiforgery, CatalogApiClient catalog)
    {
        if (!await antiforgery.IsRequestValidAsync(http).ConfigureAwait(false))
        {
            return Results.LocalRedirect("/admin?notice=expired-form");
        }
        var token = await http.GetAccessTokenAsync(ShopAudiences.CatalogApi).ConfigureAwait(false);
        if (token is null)
        {
            return Results.LocalRedirect("/signin?returnUrl=%2Fadmin");
        }
        try
        {
            var (_, problem) = await catalog.CancelSaleAsync(token, saleId, http.RequestAborted).ConfigureAwait(false);
            return Results.LocalRedirect(problem is null ? $"/admin?notice=cancelled&sale={saleId}" : $"/admin?notice=cancel-refused&sale={saleId}");
        }
        catch (ShopApiException e) when (e.IsUnauthorized)
        {
            await ShopperSession.SignOutIfRefusedAsync(http, 401).ConfigureAwait(false);
            return Results.LocalRedirect("/signin?returnUrl=%2Fadmin");
        }
        catch (ShopApiException)
        {
            return Results.LocalRedirect("/admin?notice=unavailable");
        }
    }
}

/// <summary>The notices the orders page shows after a pay/cancel form post (query <c>notice</c>).</summary>
public static class OrderNotices
{
    public const string Paid = "paid";
    public const string Cancelled = "cancelled";
    public const string NotConfirmed = "not-confirmed";
    public const string Closed = "closed";
    public const string NotFound = "not-found";
    public const string Unavailable = "unavailable";
    public const string ExpiredForm = "expired-form";

    public static string For(OrderAction action, int status, string? problemType) => (status, problemType) switch
    {
        (200, _) => action == OrderAction.Pay ? Paid : Cancelled,
        (409, ProblemTypes.OrderNotConfirmed) => NotConfirmed,
        (409, _) => Closed,
        (404, _) => NotFound,
        _ => Unavailable,
    };

    /// <summary>The sentence for a notice; null for an unknown one (nothing is shown).</summary>
    public static string? Text(string? notice) => notice switch
    {
        Paid => "Thank you! Your order is paid.",
        Cancelled => "Your order is cancelled and its units are back on sale.",
        NotConfirmed => "This order is still being confirmed: try again in a moment.",
        Closed => "This order can no longer be changed (it is paid, expired or cancelled).",
        NotFound => "That order was not found among yours.",
        Unavailable => "Orders cannot be changed right now: please try again in a few seconds.",
        ExpiredForm => "The page had expired: please try again.",
        _ => null,
    };
}
