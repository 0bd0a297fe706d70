using Microsoft.Extensions.Options;
using Npgsql;
using Shop.Ordering.Core.Reconciliation;
using Shop.Ordering.Core.Redis;
using Shop.Ordering.Worker.Gate;
using Shop.Ordering.Worker.Infrastructure;
using Shop.Ordering.Worker.Telemetry;

namespace Shop.Ordering.Worker.Reconciliation;

/// <summary>
/// Every 2 s, measures the stock invariant of the sales that can still move (scheduled and not ended more than an
/// hour ago, or with something still in flight): <c>redis remaining + in flight + sold + releasing == initial</c>
/// and no buyer above the limit. Each measurement is taken under the <see cref="GateLock"/>, so none of the worker's
/// own two-step moves (commit then confirm, release then mark) is half done while it reads; the API's moves keep
/// the sums by construction. A sale that fails <see cref="WorkerOptions.ReconciliationStrikes"/> measurements in a
/// row is a violation: an error with every term, and <c>shop.ordering.reconciliation.violations</c>. Nothing is
/// measured while the gate is being rebuilt (it holds no state to compare).
/// </summary>
public sealed partial class ReconciliationService(
    NpgsqlDataSource dataSource,
    SaleReconciler reconciler,
    GateClient gateClient,
    GateLock gateLock,
    WorkerMetrics metrics,
    StartupGate gate,
    IOptions<WorkerOptions> options,
    ILogger<ReconciliationService> logger) : PeriodicService(gate, logger)
{
    private const string ActiveSalesSql = """
        SELECT s.sale_id FROM flash_sales s
        WHERE (s.kind = 'FlashSale' AND s.status = 'Scheduled' AND s.ends_at > now() - @lookback)
           -- An item's stock is always open: it is checked while it moves (every sale, return and restock touches updated_at).
           OR (s.kind = 'Item' AND s.updated_at > now() - @item_lookback)
           OR EXISTS (SELECT 1 FROM orders o WHERE NOT o.gate_confirmed AND o.sale_id = s.sale_id)
           OR EXISTS (SELECT 1 FROM stock_releases r WHERE r.applied_at IS NULL AND r.sale_id = s.sale_id)
        """;

    // A violation is logged when it starts and then about once a minute while it lasts; it is counted once.
    private const int RelogEvery = 30;

    private readonly Dictionary<Guid, int> _strikes = [];

    protected override TimeSpan Interval => options.Value.ReconciliationInterval;

    protected override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        if (!await gateClient.IsAliveAsync())
        {
            return;
        }
        var sales = await ActiveSalesAsync(cancellationToken);
        foreach (var saleId in sales)
        {
            ReconciliationReport? report;
            using (await gateLock.AcquireAsync(cancellationToken))
            {
                report = await reconciler.MeasureAsync(saleId, cancellationToken);
            }
            Judge(saleId, report);
            metrics.SetRemaining(saleId, report?.RedisRemaining);
        }
        metrics.KeepRemainingOf(sales);
        // Sales no longer active leave the books.
        foreach (var gone in _strikes.Keys.Where(id => !sales.Contains(id)).ToList())
        {
            _strikes.Remove(gone);
        }
        metrics.SetSalesInViolation(_strikes.Values.Count(s => s >= options.Value.ReconciliationStrikes));
    }

    private void Judge(Guid saleId, ReconciliationReport? report)
    {
        if (report is null || report.Holds)
        {
            if (_strikes.Remove(saleId, out var strikes) && strikes >= options.Value.ReconciliationStrikes && report is not null)
            {
                LogRecovered(Logger, saleId, strikes);
            }
            return;
        }
        var count = _strikes[saleId] = _strikes.GetValueOrDefault(saleId) + 1;
        var threshold = options.Value.ReconciliationStrikes;
        if (count == threshold)
        {
            metrics.Violation(saleId);
        }
        if (count == threshold || (count > threshold && (count - threshold) % RelogEvery == 0))
        {
            LogViolation(Logger, saleId, count, report.Initial, report.RedisRemaining, report.InFlight, report.Sold, report.Releasing,
                report.LedgerRemaining, report.Difference, report.PerBuyerLimit,
                string.Join(", ", report.BuyersOverLimit.Select(b => $"{b.BuyerId}={b.Units}")));
        }
    }

    private async Task<HashSet<Guid>> ActiveSalesAsync(CancellationToken cancellationToken)
    {
        var sales = new HashSet<Guid>();
        await using var command = dataSource.CreateCommand(ActiveSalesSql);
        command.Parameters.Add(new NpgsqlParameter<TimeSpan>("lookback", NpgsqlTypes.NpgsqlDbType.Interval) { TypedValue = options.Value.ReconciliationLookback });
        command.Parameters.Add(new NpgsqlParameter<TimeSpan>("item_lookback", NpgsqlTypes.NpgsqlDbType.Interval) { TypedValue = options.Value.ItemReconciliationLookback });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            sales.Add(reader.GetGuid(0));
        }
        return sales;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Stock invariant violated for sale {SaleId} ({Measurements} measurements in a row): initial {Initial} != redis remaining {RedisRemaining} + in flight {InFlight} + sold {Sold} + releasing {Releasing} (ledger remaining {LedgerRemaining}, difference {Difference}); limit {Limit}, buyers over it: [{BuyersOverLimit}]")]
    private static partial void LogViolation(ILogger logger, Guid saleId, int measurements, int initial, long? redisRemaining, long? inFlight,
        int sold, int releasing, int ledgerRemaining, long? difference, int limit, string buyersOverLimit);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stock invariant of sale {SaleId} holds again after {Measurements} failed measurements")]
    private static partial void LogRecovered(ILogger logger, Guid saleId, int measurements);
}
