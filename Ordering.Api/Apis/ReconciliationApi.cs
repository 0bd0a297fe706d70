using Microsoft.AspNetCore.Http.HttpResults;
using Shop.Ordering.Api.Buying;
using Shop.Ordering.Core.Reconciliation;
using Shop.ServiceDefaults.Identity;

namespace Shop.Ordering.Api.Apis;

/// <summary><c>GET /api/admin/flash-sales/{id}/reconciliation</c>: the sale's stock invariant, term by term (admins only).</summary>
public static class ReconciliationApi
{
    public static RouteGroupBuilder MapReconciliationApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/admin/flash-sales").RequireAuthorization(ShopRoles.AdminPolicy);
        group.MapGet("/{saleId:guid}/reconciliation", ReconcileAsync).WithName("ReconcileSale")
            .WithSummary("redis remaining + in flight + sold + releasing == initial, and no buyer above the limit.");
        return group;
    }

    public static async Task<Results<Ok<ReconciliationReport>, ProblemHttpResult>> ReconcileAsync(Guid saleId, SaleReconciler reconciler, CancellationToken cancellationToken)
    {
        // Several quick measurements: an order moving between Redis and Postgres can skew a single one.
        var report = await reconciler.ReconcileAsync(saleId, attempts: 5, spacing: TimeSpan.FromMilliseconds(50), cancellationToken).ConfigureAwait(false);
        return report is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, type: BuyProblems.UnknownSale, detail: $"There is no flash sale {saleId} in the ledger.")
            : TypedResults.Ok(report);
    }
}
