using Shop.ServiceDefaults.Identity;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Shop.Web.Identity;
using Shop.Web.Services;
using Shop.ServiceDefaults.Problems;

namespace Shop.Web.Bff;

/// <summary>
/// The storefront's backend for its own page scripts. Only webfrontend is reachable from the browser; these
/// small JSON endpoints call catalog-api and ordering-api with the signed-in shopper's token (kept in the
/// session cookie, never given to the script) and pass the APIs' status codes, problem+json bodies and
/// Retry-After through unchanged. Not signed in: 401 problem+json, which the script turns into a trip to
/// sign-in. Writes need the <see cref="ClientHeader"/> header, which a cross-site form cannot send and a
/// cross-site script cannot add without a CORS preflight this app never allows (with the SameSite=Lax cookie,
/// that is the CSRF defence for endpoints that output-cached pages call without a per-user antiforgery token).
/// </summary>
public static class BffEndpoints
{
    public const string ClientHeader = "X-Shop-Client";
    public const string IdempotencyKeyHeader = "Idempotency-Key";
    private const int MaxQuantity = 1000;

    public static IEndpointRouteBuilder MapBff(this IEndpointRouteBuilder routes)
    {
        var bff = routes.MapGroup("/bff");
        bff.MapGet("/me", Me);
        bff.MapGet("/flash-sales/{saleId:guid}/stock", StockAsync);

        var shopper = bff.MapGroup("").RequireAuthorization();
        shopper.MapPost("/flash-sales/{saleId:guid}/orders", BuyAsync).AddEndpointFilter(RequireClientHeader);
        shopper.MapPost("/signout", (Delegate)SignOutAsync).AddEndpointFilter(RequireClientHeader);
        return routes;
    }

    public static IResult Me(HttpContext http, TimeProvider time)
    {
        http.Response.Headers.CacheControl = "no-store";
        var user = http.User;
        var me = user.Identity?.IsAuthenticated == true
            ? new SignedInUser(true, user.DisplayName(), user.IsAdmin(), time.GetUtcNow())
            : new SignedInUser(false, null, false, time.GetUtcNow());
        return TypedResults.Json(me, ShopJsonContext.Default.SignedInUser);
    }

    /// <summary>The sale's stock with this server's clock, for the countdown (the stock itself is at most 1 s old).</summary>
    public static async Task<IResult> StockAsync(Guid saleId, HttpContext http, SaleStockCache stock, KnownSales sales, TimeProvider time)
    {
        http.Response.Headers.CacheControl = "no-store";
        SaleStock? current;
        try
        {
            // A made-up id is answered here, without asking ordering-api for it.
            current = await sales.ExistsAsync(saleId, http.RequestAborted).ConfigureAwait(false)
                ? await stock.GetAsync(saleId, http.RequestAborted).ConfigureAwait(false)
                : null;
        }
        catch (ShopApiException e)
        {
            return Unavailable(http, e, "Stock is unavailable for a moment.");
        }
        return current is null
            ? Problem(StatusCodes.Status404NotFound, ProblemTypes.SaleNotFound, "This sale is not open for orders (yet).")
            : TypedResults.Json(current with { ServerTime = time.GetUtcNow() }, ShopJsonContext.Default.SaleStock);
    }

    /// <summary>One purchase attempt: the browser's Idempotency-Key goes to ordering-api unchanged.</summary>
    public static async Task<IResult> BuyAsync(Guid saleId, HttpContext http, OrderingBuyClient buy)
    {
        string? key = http.Request.Headers[IdempotencyKeyHeader];
        if (string.IsNullOrWhiteSpace(key) || key.Length > 64)
        {
            return Problem(StatusCodes.Status400BadRequest, ProblemTypes.InvalidRequest, "Each purchase attempt needs an Idempotency-Key header.");
        }
        var quantity = await ReadQuantityAsync(http).ConfigureAwait(false);
        if (quantity is not (>= 1 and <= MaxQuantity))
        {
            return Problem(StatusCodes.Status400BadRequest, ProblemTypes.InvalidRequest, "The body must be JSON like {\"quantity\": 1}.");
        }
        var token = await http.GetAccessTokenAsync(ShopAudiences.OrderingApi).ConfigureAwait(false);
        if (token is null)
        {
            return SessionEnded();
        }
        try
        {
            using var response = await buy.BuyAsync(token, saleId, key, quantity.Value, http.RequestAborted).ConfigureAwait(false);
            return await PassOnAsync(http, response).ConfigureAwait(false);
        }
        catch (ShopApiException e)
        {
            return Unavailable(http, e, "The sale cannot take orders for a moment.");
        }
    }

    public static async Task SignOutAsync(HttpContext http)
    {
        await ShopperSession.EndSessionAsync(http).ConfigureAwait(false);
        http.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    private static async Task<IResult> PassOnAsync(HttpContext http, HttpResponseMessage response)
    {
        // A refused token (expired, or the signing key changed) ends the session: the script then sends the
        // shopper to sign in.
        await ShopperSession.SignOutIfRefusedAsync(http, (int)response.StatusCode).ConfigureAwait(false);
        return await UpstreamResult.FromAsync(response, http.RequestAborted).ConfigureAwait(false);
    }

    private static async Task<int?> ReadQuantityAsync(HttpContext http)
    {
        try
        {
            var request = await JsonSerializer.DeserializeAsync(http.Request.Body, ShopJsonContext.Default.BuyRequest, http.RequestAborted).ConfigureAwait(false);
            return request?.Quantity;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static async ValueTask<object?> RequireClientHeader(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        context.HttpContext.Request.Headers.ContainsKey(ClientHeader)
            ? await next(context).ConfigureAwait(false)
            : Problem(StatusCodes.Status400BadRequest, ProblemTypes.InvalidRequest, $"Requests to this endpoint come from the storefront's own pages (header {ClientHeader}).");

    private static IResult SessionEnded() =>
        Problem(StatusCodes.Status401Unauthorized, null, "You are not signed in, or your session has ended: sign in again.");

    private static IResult Unavailable(HttpContext http, ShopApiException e, string detail)
    {
        var seconds = Math.Clamp((int)Math.Ceiling((e.RetryAfter ?? TimeSpan.FromSeconds(2)).TotalSeconds), 1, 30);
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return Problem(StatusCodes.Status503ServiceUnavailable, ProblemTypes.Unavailable, detail + " Try again in a few seconds.");
    }

    private static IResult Problem(int status, string? type, string detail)
    {
        var problem = new ProblemDetails { Status = status, Type = type, Detail = detail };
        return TypedResults.Json(problem, ShopJsonContext.Default.ProblemDetails, "application/problem+json", status);
    }
}
