using System.Net.Http.Json;
using Shop.Bench.Scenarios;

namespace Shop.Bench;

/// <summary>
/// The textbook synchronous path as the opponent, served by baseline-api (bench/Baseline.Api), which the bench adds
/// to the composition it starts (<see cref="BaselineComposition"/>): one Postgres transaction per order that locks
/// the sale's row (SELECT … FOR UPDATE), checks window, idempotency, limit and stock, decrements the row and inserts
/// the order (tables baseline_sales, baseline_orders in baselinedb, on Shop's Postgres server). Same endpoint shape,
/// as many replicas as ordering-api, same buyers and tokens, same stock, same generator: only the buy path differs.
/// </summary>
public sealed class BaselineRun(BenchedShop shop) : ISaleSystem
{
    public string Name => "baseline";

    public IReadOnlyList<Uri> Replicas => shop.BaselineReplicas;

    /// <summary>Creates a baseline sale (POST /api/baseline/flash-sales, admin) with the stock and limit of Shop's.</summary>
    public async Task<Guid> ArmAsync(int units, int perBuyerLimit, CancellationToken cancellationToken)
    {
        var saleId = Guid.NewGuid();
        using var http = new HttpClient { BaseAddress = shop.BaselineReplicas[0], Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/baseline/flash-sales")
        {
            Content = JsonContent.Create(new
            {
                saleId, quantity = units, perBuyerLimit, salePrice = 9.99m,
                startsAt = DateTimeOffset.UtcNow.AddSeconds(-1), endsAt = DateTimeOffset.UtcNow.AddHours(2),
            }),
        };
        request.Headers.Authorization = new("Bearer", shop.AdminToken());
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Arming the baseline sale answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)}");
        }
        return saleId;
    }

    public string OrdersPath(Guid saleId) => $"/api/baseline/flash-sales/{saleId}/orders";

    /// <summary>An order is durable when its 202 is sent (the transaction committed): the audit needs no wait.</summary>
    public Task<AuditResult> AuditAsync(Guid saleId, int units, int perBuyerLimit, IReadOnlyList<AcceptedOrder> accepted, TimeSpan deadline, CancellationToken cancellationToken) =>
        DatabaseAudit.AuditBaselineAsync(shop.BaselineDb, saleId, units, perBuyerLimit, accepted, deadline, cancellationToken);
}
