using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Shop.Ordering.Api.Admission;
using Shop.Ordering.Api.Orders;
using Shop.ServiceDefaults.Identity;
using Shop.ServiceDefaults.Problems;

namespace Shop.Ordering.Api.Apis;

/// <summary>A buyer's orders: status and history, simulated payment, cancellation. Another buyer's order is 404.</summary>
public static class OrdersApi
{
    public static RouteGroupBuilder MapOrdersApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/orders").RequireAuthorization(ShopRoles.UserPolicy);
        group.MapGet("/", ListAsync).WithName("ListMyOrders").WithSummary("My orders, newest first (pending ones included).");
        group.MapGet("/{orderId:guid}", GetAsync).WithName("GetOrder").WithSummary("One of my orders.");
        group.MapPost("/{orderId:guid}/pay", PayAsync).WithName("PayOrder").WithSummary("Pay a confirmed order (simulated payment).");
        group.MapPost("/{orderId:guid}/cancel", CancelAsync).WithName("CancelOrder").WithSummary("Cancel a confirmed, unpaid order; its units go back on sale.");
        return group;
    }

    public static async Task<Ok<IReadOnlyList<OrderView>>> ListAsync(ClaimsPrincipal user, OrderStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok(await store.ListAsync(user.UserId(), cancellationToken).ConfigureAwait(false));

    public static async Task<Results<Ok<OrderView>, ProblemHttpResult>> GetAsync(Guid orderId, ClaimsPrincipal user, OrderStore store, CancellationToken cancellationToken) =>
        await store.FindAsync(orderId, user.UserId(), cancellationToken).ConfigureAwait(false) is { } order
            ? TypedResults.Ok(order)
            : NotFound(orderId);

    public static async Task<Results<Ok<OrderView>, ProblemHttpResult>> PayAsync(
        Guid orderId, ClaimsPrincipal user, OrderCommands commands, HttpContext http, CancellationToken cancellationToken)
    {
        var (change, order) = await commands.PayAsync(orderId, user.UserId(), cancellationToken).ConfigureAwait(false);
        return Answer(change, order, orderId, http, "paid");
    }

    public static async Task<Results<Ok<OrderView>, ProblemHttpResult>> CancelAsync(
        Guid orderId, ClaimsPrincipal user, OrderCommands commands, HttpContext http, CancellationToken cancellationToken)
    {
        var (change, order) = await commands.CancelAsync(orderId, user.UserId(), cancellationToken).ConfigureAwait(false);
        return Answer(change, order, orderId, http, "cancelled");
    }

    private static Results<Ok<OrderView>, ProblemHttpResult> Answer(OrderChange change, OrderView? order, Guid orderId, HttpContext http, string verb)
    {
        switch (change)
        {
            case OrderChange.Done:
                return TypedResults.Ok(order!);
            case OrderChange.NotFound:
                return NotFound(orderId);
            case OrderChange.NotConfirmedYet:
                http.Response.Headers.RetryAfter = "1";
                return Conflict(ProblemTypes.OrderNotConfirmed, $"The order is still being confirmed and cannot be {verb} yet: try again in a moment.");
            case OrderChange.Paid:
                return Conflict(ProblemTypes.OrderClosed, $"The order is paid and cannot be {verb}.");
            case OrderChange.Expired:
                return Conflict(ProblemTypes.OrderClosed, $"The order was not paid in time and cannot be {verb}.");
            default:
                return Conflict(ProblemTypes.OrderClosed, $"The order is {order!.Status} and cannot be {verb}.");
        }
    }

    private static ProblemHttpResult NotFound(Guid orderId) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, type: ProblemTypes.OrderNotFound, detail: $"You have no order {orderId}.");

    private static ProblemHttpResult Conflict(string type, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, type: type, detail: detail);

}
