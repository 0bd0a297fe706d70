using Microsoft.Extensions.Options;
using Npgsql;
using Shop.Ordering.Core;
using Shop.Ordering.Core.Reconciliation;
using Shop.Ordering.Core.Redis;
using Shop.Ordering.Worker.Gate;
using Shop.Ordering.Worker.Infrastructure;
using Shop.Ordering.Worker.Telemetry;

namespace Shop.Ordering.Worker.Reconciliation;

/// <summary>
/// Every 2 s, measures the stock invariant of the stocks that can still move (scheduled and not ended more than an
/// hour ago, or with something still in flight): <c>redis remaining + in flight + sold + releasing == initial</c>
/// and no buyer above the limit. It never takes the <see cref="GateWriteLock"/> (a measurement must not hold up the batch
/// writer): it measures between the worker's own two-step moves (commit then settle, release then mark, arming), which
/// <see cref="GateMoves"/> tells it of, and takes the units committed but not yet settled into account; the API's moves
/// keep the sums by construction. Its cost follows what is new: the per-buyer check looks only at the buyers of orders
/// accepted since the last round (or still in the stream then). A stock that fails <see cref="WorkerOptions.ReconciliationStrikes"/> measurements in a
/// row is a violation: an error with every term, and <c>shop.ordering.reconciliation.violations</c>. Nothing is
/// measured while the gate is being rebuilt (it holds no state to compare).
/// </summary>
public sealed partial class ReconciliationService(
    NpgsqlDataSource dataSource,
    StockReconciler reconciler,
    GateClient gateClient,
    GateMoves moves,
    TimeProvider time,
    WorkerMetrics metrics,
    IOptions<WorkerOptions> options,
    ILogger<ReconciliationService> logger) : PeriodicService(logger)
{
    private const string ActiveSalesSql = """
        SELECT s.stock_id FROM stocks s
        WHERE (s.kind = 'FlashSale' AND s.status = 'Scheduled' AND s.ends_at > now() - @lookback)
           -- An item's stock is always open: it is checked while it moves (every unit sold, returned or restocked touches updated_at).
           OR (s.kind = 'Item' AND s.updated_at > now() - @item_lookback)
           OR EXISTS (SELECT 1 FROM stock_releases r WHERE r.applied_at IS NULL AND r.stock_id = s.stock_id)
        """;

    // A violation is logged when it starts and then about once a minute while it lasts; it is counted once.
    private const int RelogEvery = 30;

    // How long a measurement waits for a move of the worker's to end before it gives up the round for that stock.
    private const int StableAttempts = 50;

    // The buyers checked reach back this much before the oldest reservation still in the stream (or the round's start):
    // an order's id comes from the API's clock, the stream's ids from the gate's, and the two may differ a little. Not
    // more: every second of margin re-checks a second of orders each round (10 s made each round read ~45,000
    // orders during the bench's ramp, for every active stock).
    private static readonly TimeSpan CommitMargin = TimeSpan.FromSeconds(1);

    private readonly Dictionary<Guid, int> _strikes = [];

    // Per stock, the first order id whose buyer the next round must check (null: every buyer, the first round).
    private readonly Dictionary<Guid, Guid> _buyersFrom = [];

    protected override TimeSpan Interval => options.Value.ReconciliationInterval;

    protected override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        if (!await gateClient.IsReadyAsync())
        {
            return;
        }
        var stocks = await ActiveStocksAsync(cancellationToken);
        // Taken before measuring: an order accepted after this moment, or still waiting in the stream now, is checked next round.
        var now = time.GetUtcNow();
        var nextFrom = StockReconciler.FirstOrderIdAt((await gateClient.OldestReservationAsync() is { } oldest && oldest < now ? oldest : now) - CommitMargin);
        foreach (var stockId in stocks)
        {
            // The buyers from the ledger alone, once per round; only the stock's terms need a moment between moves. An
            // item's stock has no per-buyer limit in practice (ItemStocks.PerBuyerLimit): a hundred items checked
            // every round would cost a scan of the round's orders each.
            IReadOnlyList<BuyerOverLimit> overLimit = ItemStocks.IsItemStock(stockId)
                ? []
                : await reconciler.BuyersOverLimitAsync(stockId, _buyersFrom.TryGetValue(stockId, out var from) ? from : null, cancellationToken);
            var (measured, terms) = await MeasureBetweenMovesAsync(stockId, cancellationToken);
            if (!measured)
            {
                // No quiet moment this round: judged next round, from the same buyers.
                continue;
            }
            var report = terms?.WithBuyersOverLimit(overLimit);
            Judge(stockId, report);
            metrics.SetRemaining(stockId, report?.RedisRemaining);
            _buyersFrom[stockId] = nextFrom;
        }
        metrics.KeepRemainingOf(stocks);
        foreach (var gone in _buyersFrom.Keys.Where(id => !stocks.Contains(id)).ToList())
        {
            _buyersFrom.Remove(gone);
        }
        // Stocks no longer active leave the books.
        foreach (var gone in _strikes.Keys.Where(id => !stocks.Contains(id)).ToList())
        {
            _strikes.Remove(gone);
        }
        metrics.SetStocksInViolation(_strikes.Values.Count(s => s >= options.Value.ReconciliationStrikes));
    }

    /// <summary>
    /// One measurement of the stock's terms taken while no move of the worker's was half done (the sequence even and unchanged across
    /// it); not measured when no such moment came in <see cref="StableAttempts"/> tries. The report is null when the
    /// stock is not in the ledger.
    /// </summary>
    private async Task<(bool Measured, ReconciliationReport? Report)> MeasureBetweenMovesAsync(Guid stockId, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < StableAttempts; attempt++)
        {
            var before = moves.Sequence;
            if (before % 2 == 0)
            {
                var report = await reconciler.MeasureStockAsync(stockId, moves.UnsettledUnits(stockId), cancellationToken);
                if (moves.Sequence == before)
                {
                    return (true, report);
                }
            }
            // A move is half done: it takes a commit and a Redis call, a millisecond or two.
            await Task.Delay(TimeSpan.FromMilliseconds(2), time, cancellationToken);
        }
        LogNoQuietMoment(Logger, stockId, StableAttempts);
        return (false, null);
    }

    private void Judge(Guid stockId, ReconciliationReport? report)
    {
        if (report is null || report.Holds)
        {
            if (_strikes.Remove(stockId, out var strikes) && strikes >= options.Value.ReconciliationStrikes && report is not null)
            {
                LogRecovered(Logger, stockId, strikes);
            }
            return;
        }
        var count = _strikes[stockId] = _strikes.GetValueOrDefault(stockId) + 1;
        var threshold = options.Value.ReconciliationStrikes;
        if (count == threshold)
        {
            metrics.Violation(stockId);
        }
        if (count == threshold || (count > threshold && (count - threshold) % RelogEvery == 0))
        {
            LogViolation(Logger, stockId, count, report.Initial, report.RedisRemaining, report.InFlight, report.Sold, report.Releasing,
                report.LedgerRemaining, report.Difference, report.PerBuyerLimit,
                string.Join(", ", report.BuyersOverLimit.Select(b => $"{b.BuyerId}={b.Units}")));
        }
    }

    private async Task<HashSet<Guid>> ActiveStocksAsync(CancellationToken cancellationToken)
    {
        var stocks = new HashSet<Guid>();
        await using var command = dataSource.CreateCommand(ActiveSalesSql);
        command.Parameters.Add(new NpgsqlParameter<TimeSpan>("lookback", NpgsqlTypes.NpgsqlDbType.Interval) { TypedValue = options.Value.ReconciliationLookback });
        command.Parameters.Add(new NpgsqlParameter<TimeSpan>("item_lookback", NpgsqlTypes.NpgsqlDbType.Interval) { TypedValue = options.Value.ItemReconciliationLookback });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            stocks.Add(reader.GetGuid(0));
        }
        return stocks;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Stock invariant violated for stock {StockId} ({Measurements} measurements in a row): initial {Initial} != redis remaining {RedisRemaining} + in flight {InFlight} + sold {Sold} + releasing {Releasing} (ledger remaining {LedgerRemaining}, difference {Difference}); limit {Limit}, buyers over it: [{BuyersOverLimit}]")]
    private static partial void LogViolation(ILogger logger, Guid stockId, int measurements, int initial, long? redisRemaining, long? inFlight,
        int sold, int releasing, int ledgerRemaining, long? difference, int limit, string buyersOverLimit);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stock {StockId} not measured this round: the worker's moves never paused in {Attempts} tries")]
    private static partial void LogNoQuietMoment(ILogger logger, Guid stockId, int attempts);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stock invariant of stock {StockId} holds again after {Measurements} failed measurements")]
    private static partial void LogRecovered(ILogger logger, Guid stockId, int measurements);
}
