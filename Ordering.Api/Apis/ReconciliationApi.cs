using Microsoft.AspNetCore.Http.HttpResults;
using Shop.Ordering.Api.Admission;
using Shop.Ordering.Core;
using Shop.Ordering.Core.Reconciliation;
using Shop.ServiceDefaults.Identity;
using Shop.ServiceDefaults.Problems;

namespace Shop.Ordering.Api.Apis;

/// <summary>
/// <c>GET /api/admin/flash-sales/{id}/reconciliation</c> and <c>GET /api/admin/items/{id}/reconciliation</c>: a sale's or an
/// item's stock invariant, term by term (admins only). An item's stock is reconciled like a sale's (docs/checkout.md).
/// </summary>
public static class ReconciliationApi
{
    public static RouteGroupBuilder MapReconciliationApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/admin/flash-sales").RequireAuthorization(ShopRoles.AdminPolicy);
        group.MapGet("/{saleId:guid}/reconciliation", ReconcileAsync).WithName("ReconcileSale")
            .WithSummary("redis remaining + in flight + sold + releasing == initial, and no buyer above the limit.");
        routes.MapGroup("/api/admin/items").RequireAuthorization(ShopRoles.AdminPolicy)
            .MapGet("/{itemId:int}/reconciliation", ReconcileItemAsync).WithName("ReconcileItem")
            .WithSummary("The item's stock: redis remaining + in flight + sold + releasing == initial.");
        return group;
    }

    public static async Task<Results<Ok<ReconciliationReport>, ProblemHttpResult>> ReconcileItemAsync(int itemId, StockReconciler reconciler, CancellationToken cancellationToken)
    {
        var report = itemId is < 0 or > 999_999_999
            ? null
            : await reconciler.ReconcileAsync(ItemStocks.StockId(itemId), attempts: 5, spacing: TimeSpan.FromMilliseconds(50), cancellationToken).ConfigureAwait(false);
        return report is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, type: ProblemTypes.UnknownItem, detail: $"Item {itemId} has no stock in the ledger.")
            : TypedResults.Ok(report);
    }

    public static async Task<Results<Ok<ReconciliationReport>, ProblemHttpResult>> ReconcileAsync(Guid saleId, StockReconciler reconciler, CancellationToken cancellationToken)
    {
        // Several quick measurements: an order moving between Redis and Postgres can skew a single one.
        var report = await reconciler.ReconcileAsync(saleId, attempts: 5, spacing: TimeSpan.FromMilliseconds(50), cancellationToken).ConfigureAwait(false);
        return report is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, type: ProblemTypes.SaleNotFound, detail: $"There is no flash sale {saleId} in the ledger.")
            : TypedResults.Ok(report);
    }
}
