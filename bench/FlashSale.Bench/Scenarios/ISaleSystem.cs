namespace Shop.Bench.Scenarios;

/// <summary>Something that sells a flash sale over HTTP: Shop's real path, or the textbook baseline.</summary>
public interface ISaleSystem
{
    /// <summary>shop or baseline.</summary>
    string Name { get; }

    /// <summary>The addresses of the processes that serve its buys (each replica's own), round-robin per request.</summary>
    IReadOnlyList<Uri> Replicas { get; }

    Task<Guid> ArmAsync(int units, int perBuyerLimit, CancellationToken cancellationToken);

    /// <summary>The buy endpoint of a sale (same headers, body and answers on both systems).</summary>
    string OrdersPath(Guid saleId);

    /// <summary>Checks the database against the accepted orders, waiting up to <paramref name="deadline"/> for them to be durable.</summary>
    Task<AuditResult> AuditAsync(Guid saleId, int units, int perBuyerLimit, IReadOnlyList<AcceptedOrder> accepted, TimeSpan deadline, CancellationToken cancellationToken);
}

/// <summary>Shop's buy path: admission, reserve.lua in Redis (its stream entry the outbox), then the worker → orders.</summary>
public sealed class ShopSystem(BenchedShop shop) : ISaleSystem
{
    public string Name => "shop";

    public IReadOnlyList<Uri> Replicas => shop.OrderingReplicas;

    public Task<Guid> ArmAsync(int units, int perBuyerLimit, CancellationToken cancellationToken) =>
        shop.ArmSaleAsync(units, perBuyerLimit, cancellationToken);

    public string OrdersPath(Guid saleId) => $"/api/flash-sales/{saleId}/orders";

    public Task<AuditResult> AuditAsync(Guid saleId, int units, int perBuyerLimit, IReadOnlyList<AcceptedOrder> accepted, TimeSpan deadline, CancellationToken cancellationToken) =>
        DatabaseAudit.AuditShopAsync(shop.OrderingDb, saleId, units, perBuyerLimit, accepted, deadline, cancellationToken);
}
