using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using Shop.EventBus;
using Shop.IntegrationEvents;
using Shop.Ordering.Core;
using Shop.Ordering.Core.Redis;
using Shop.Ordering.Worker.Infrastructure;
using Shop.Ordering.Worker.Telemetry;

namespace Shop.Ordering.Worker.Events;

/// <summary>
/// Sends Catalog the stock of the items that moved, coalesced: every <see cref="WorkerOptions.ItemStockChangesInterval"/>
/// it reads the rows of <c>item_stock_changes</c> (one per item, however many orders moved it; upserted by the
/// transactions that move an item's stock, after the gate moved), reads those items' figures from the gate,
/// publishes one <see cref="ItemStocksChanged"/> and deletes the rows at the version it read. A row touched again
/// meanwhile stays for the next round, so the last move is always sent; a worker that dies before the delete sends the
/// figures again (at least once). An item the gate does not hold (being armed, or the gate being rebuilt) waits.
/// Why not the outbox: the figure cannot be known when the change commits (the gate moved in the API's script, and
/// more moves follow), and a row per order would send thousands of figures a second where one per item is enough.
/// </summary>
public sealed class ItemStockChangesPublisher(
    NpgsqlDataSource dataSource,
    GateClient gateClient,
    EventPublisher publisher,
    WorkerMetrics metrics,
    TimeProvider time,
    IOptions<WorkerOptions> options,
    ILogger<ItemStockChangesPublisher> logger) : PeriodicService(logger)
{
    private const string ChangedSql = "SELECT stock_id, version FROM item_stock_changes ORDER BY stock_id LIMIT @limit";

    private const string CoveredSql = """
        DELETE FROM item_stock_changes c USING unnest(@stock_ids, @versions) AS r(stock_id, version)
        WHERE c.stock_id = r.stock_id AND c.version = r.version
        """;

    protected override TimeSpan Interval => options.Value.ItemStockChangesInterval;

    protected override async Task RunOnceAsync(CancellationToken cancellationToken) => await PublishChangesAsync(cancellationToken);

    /// <returns>How many items' figures were published.</returns>
    public async Task<int> PublishChangesAsync(CancellationToken cancellationToken)
    {
        var changed = new List<(Guid StockId, long Version)>();
        await using (var command = dataSource.CreateCommand(ChangedSql))
        {
            command.Parameters.Add(new NpgsqlParameter<int>("limit", options.Value.EventsBatchSize * 10));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                changed.Add((reader.GetGuid(0), reader.GetInt64(1)));
            }
        }
        if (changed.Count == 0)
        {
            return 0;
        }
        // Read after the rows: every move a row records is already in the figure (the gate moved before the row).
        var readAt = time.GetUtcNow();
        var available = await gateClient.AvailableStockAsync([.. changed.Select(c => c.StockId)]);
        var covered = changed.Zip(available)
            .Where(pair => pair.Second is not null)
            .Select(pair => (pair.First.StockId, pair.First.Version, Available: pair.Second!.Value))
            .ToList();
        if (covered.Count == 0)
        {
            return 0;
        }
        var @event = new ItemStocksChanged
        {
            EventId = Guid.CreateVersion7(readAt),
            OccurredAt = readAt,
            Items = [.. covered.Select(c => new ItemStockFigure(ItemStocks.ItemId(c.StockId), c.Available))],
        };
        var outgoing = new OutgoingEvent(@event.EventId, EventTopology.ItemStocksChangedType, EventTopology.ItemStocksChangedRoutingKey,
            JsonSerializer.Serialize(@event, IntegrationEventsJsonContext.Default.ItemStocksChanged), TraceParent: null, readAt);
        var publishes = await publisher.PublishAllAsync([outgoing], cancellationToken);
        await publishes[0]; // a refused publish fails the round: the rows stay, the next tick tries again

        await using var delete = dataSource.CreateCommand(CoveredSql);
        delete.Parameters.Add(new NpgsqlParameter<Guid[]>("stock_ids", [.. covered.Select(c => c.StockId)]));
        delete.Parameters.Add(new NpgsqlParameter<long[]>("versions", [.. covered.Select(c => c.Version)]));
        await delete.ExecuteNonQueryAsync(cancellationToken);
        metrics.EventsPublished(1, 0);
        return covered.Count;
    }
}
