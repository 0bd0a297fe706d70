using Shop.Bench.Scenarios;

namespace Shop.Bench;

/// <summary>
/// The textbook synchronous path as the opponent, served by ordering-api itself when
/// Ordering:Baseline:Enabled is set: one Postgres transaction per order that locks the sale's row
/// (SELECT … FOR UPDATE), checks window, idempotency, limit and stock, decrements the row and inserts the
/// order (tables baseline_sales, baseline_orders). Same endpoints shape, same replicas, same buyers, same
/// stock, same generator: only the buy path differs.
/// </summary>
public sealed class BaselineRun(BenchedShop shop) : ISaleSystem
{
    public string Name => "baseline";

    public Task<Guid> ArmAsync(int units, int perBuyerLimit, CancellationToken cancellationToken) =>
        shop.ArmBaselineSaleAsync(units, perBuyerLimit, cancellationToken);

    public string OrdersPath(Guid saleId) => $"/api/baseline/flash-sales/{saleId}/orders";

    /// <summary>An order is durable when its 202 is sent (the transaction committed): the audit needs no wait.</summary>
    public Task<AuditResult> AuditAsync(Guid saleId, int units, int perBuyerLimit, IReadOnlyList<AcceptedOrder> accepted, TimeSpan deadline, CancellationToken cancellationToken) =>
        DatabaseAudit.AuditBaselineAsync(shop.OrderingDb, saleId, units, perBuyerLimit, accepted, deadline, cancellationToken);
}
