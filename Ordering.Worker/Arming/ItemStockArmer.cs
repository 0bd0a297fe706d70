using Npgsql;
using Shop.IntegrationEvents;
using Shop.Ordering.Core;
using Shop.Ordering.Core.Events;
using Shop.Ordering.Core.Redis;
using Shop.Ordering.Worker.Gate;
using StackExchange.Redis;

namespace Shop.Ordering.Worker.Arming;

/// <summary>
/// Applies a <see cref="CatalogItemChanged"/> to the item's stock (docs/checkout.md): its ledger row (kind 'Item')
/// and its gate state, exactly as a flash sale's.
/// <list type="bullet">
/// <item>A new item: a ledger row with the announced stock, then the gate built from it.</item>
/// <item>A new stock version: "from now on, this many" is applied in the gate first (restock.lua, which knows the
/// units reserved and still in flight and leaves them reserved), then the ledger moves by the very difference the
/// gate made, so the two keep agreeing. A crash in between is safe: the gate answers a repeat of the version with
/// the same difference, and the ledger applies it once (guarded by stock_version).</item>
/// <item>Name, price, deletion: the row's definition, then arm.lua (deleted means 'Cancelled': nothing more sold).</item>
/// </list>
/// Runs under the <see cref="GateWriteLock"/>, as the sale armer does; events arrive one at a time, in order.
/// </summary>
public sealed partial class ItemStockArmer(
    NpgsqlDataSource dataSource,
    GateClient gate,
    GateWriteLock gateWriteLock,
    GateMoves moves,
    GateRebuilder rebuilder,
    ILogger<ItemStockArmer> logger)
{
    private const string InsertSql = $"""
        INSERT INTO stocks (stock_id, kind, item_id, item_name, regular_price, unit_price, initial_quantity, per_buyer_limit,
                                 starts_at, ends_at, status, version, stock_version, remaining)
        VALUES (@stock, '{ItemStocks.Kind}', @item, @name, @price, @price, @quantity, @limit, @starts, @ends, @status, @version, @stock_version, @quantity)
        ON CONFLICT (stock_id) DO NOTHING
        """;

    private const string LockSql = "SELECT version, stock_version FROM stocks WHERE stock_id = @stock FOR UPDATE";

    private const string UpdateDefinitionSql = """
        UPDATE stocks SET item_name = @name, regular_price = @price, unit_price = @price, status = @status, version = @version, updated_at = now()
        WHERE stock_id = @stock AND version < @version
        """;

    private const string MoveStockSql = """
        UPDATE stocks SET initial_quantity = initial_quantity + @delta, remaining = remaining + @delta, stock_version = @stock_version, updated_at = now()
        WHERE stock_id = @stock AND stock_version < @stock_version AND remaining + @delta >= 0
        """;

    private const string ReadSql = $"SELECT {StockRow.Columns} FROM stocks WHERE stock_id = @stock";

    /// <returns>What changed in the ledger.</returns>
    /// <exception cref="GateNotReadyException">The gate waits for its rebuild: try again later.</exception>
    public async Task<LedgerChange> ArmAsync(CatalogItemChanged change, CancellationToken cancellationToken)
    {
        using var held = await gateWriteLock.AcquireAsync(cancellationToken);
        // The gate's stock, the ledger, then the gate's definition: a move the reconciler must not measure in the middle of.
        using var gateMove = moves.Begin();
        if (!await gate.IsReadyAsync())
        {
            throw new GateNotReadyException();
        }
        var stockId = ItemStocks.StockId(change.ItemId);

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var insert = Command(connection, transaction, InsertSql, change, stockId))
        {
            if (await insert.ExecuteNonQueryAsync(cancellationToken) == 1)
            {
                await transaction.CommitAsync(cancellationToken);
                await rebuilder.RebuildAsync(stockId, cancellationToken);
                return LedgerChange.Created;
            }
        }

        long version, stockVersion;
        await using (var current = Command(connection, transaction, LockSql, change, stockId))
        await using (var reader = await current.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            (version, stockVersion) = (reader.GetInt64(0), reader.GetInt64(1));
        }
        // The gate may have lost this stock alone (or never got it): rebuild it from the ledger first, so that a
        // new stock is applied to the true figures.
        if (!await gate.HoldsStockAsync(stockId))
        {
            await rebuilder.RebuildAsync(stockId, cancellationToken);
        }
        var ledger = LedgerChange.Unchanged;
        if (change.StockVersion > stockVersion)
        {
            var delta = await RestockGateAsync(stockId, change);
            await using var move = Command(connection, transaction, MoveStockSql, change, stockId);
            move.Parameters.Add(new NpgsqlParameter<int>("delta", delta));
            if (await move.ExecuteNonQueryAsync(cancellationToken) != 1)
            {
                throw new ArmingRefusedException($"Item {change.ItemId} stock v{change.StockVersion}: the ledger cannot move by {delta}.");
            }
            LogRestocked(logger, change.ItemId, change.Stock, delta);
            // The gate moved first: Catalog's next figures include the new stock.
            await using var moved = new NpgsqlBatch(connection, transaction) { BatchCommands = { OrderingOutbox.ItemStocksMoved([stockId])! } };
            await moved.ExecuteNonQueryAsync(cancellationToken);
            ledger = LedgerChange.Updated;
        }
        if (change.Version > version)
        {
            await using var update = Command(connection, transaction, UpdateDefinitionSql, change, stockId);
            await update.ExecuteNonQueryAsync(cancellationToken);
            ledger = LedgerChange.Updated;
        }
        StockRow row;
        await using (var read = Command(connection, transaction, ReadSql, change, stockId))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            row = StockRow.Read(reader);
        }
        await transaction.CommitAsync(cancellationToken);
        // Name, price and status (deletion) from the row; the stock was moved above (arm.lua keeps it, since the
        // gate's "initial" already moved with restock.lua).
        await gate.ArmAsync(stockId, row.GateDefinition());
        return ledger;
    }

    private async Task<int> RestockGateAsync(Guid stockId, CatalogItemChanged change)
    {
        var reply = await gate.RestockAsync(stockId, change.StockVersion, change.Stock);
        return reply.Outcome == RestockOutcome.Applied
            ? reply.Delta
            : throw new InvalidOperationException($"restock.lua answered '{reply.Outcome}' for item {change.ItemId} stock v{change.StockVersion}.");
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CatalogItemChanged change, Guid stockId) => new(sql, connection, transaction)
    {
        Parameters =
        {
            new NpgsqlParameter<Guid>("stock", stockId),
            new NpgsqlParameter<int>("item", change.ItemId),
            new NpgsqlParameter<string>("name", change.Name),
            new NpgsqlParameter<decimal>("price", change.Price),
            new NpgsqlParameter<int>("quantity", change.Stock),
            new NpgsqlParameter<int>("limit", ItemStocks.PerBuyerLimit),
            new NpgsqlParameter<DateTimeOffset>("starts", ItemStocks.OpenFrom),
            new NpgsqlParameter<DateTimeOffset>("ends", ItemStocks.OpenUntil),
            new NpgsqlParameter<string>("status", change.Deleted ? "Cancelled" : "Scheduled"),
            new NpgsqlParameter<long>("version", change.Version),
            new NpgsqlParameter<long>("stock_version", change.StockVersion),
        },
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Item {ItemId}: {Stock} units available from now on (the gate and the ledger moved by {Delta})")]
    private static partial void LogRestocked(ILogger logger, int itemId, int stock, int delta);
}
