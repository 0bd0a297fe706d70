using Npgsql;
using Shop.IntegrationEvents;
using Shop.Ordering.Core.Redis;
using Shop.Ordering.Worker.Gate;
using StackExchange.Redis;

namespace Shop.Ordering.Worker.Arming;

/// <summary>What an announcement did: to the ledger, and to the gate.</summary>
public enum LedgerChange
{
    Created,
    Updated,

    /// <summary>The event's version is not newer than the ledger's: a repeat or a late, older event.</summary>
    Unchanged,
}

/// <summary>
/// Applies a <see cref="FlashSaleChanged"/>: creates or updates the sale's ledger row in one transaction, then arms
/// the gate from that row. The gate is armed whether or not the row changed, because Redis may have missed an
/// earlier arming (arm.lua ignores a version it already has); a sale the gate does not hold yet gets its whole
/// state from the ledger (<see cref="GateRebuilder"/>). Runs under the <see cref="GateWriteLock"/> so that the
/// ledger figure it gives a new gate is not overtaken by a release being applied at the same time.
/// </summary>
public sealed partial class FlashSaleArmer(
    NpgsqlDataSource dataSource,
    GateClient gate,
    GateWriteLock gateWriteLock,
    GateMoves moves,
    GateRebuilder rebuilder,
    TimeProvider time,
    ILogger<FlashSaleArmer> logger)
{
    private const string InsertSql = """
        INSERT INTO stocks (stock_id, item_id, item_name, regular_price, unit_price, initial_quantity, per_buyer_limit,
                                 starts_at, ends_at, status, version, remaining)
        VALUES (@sale, @item, @name, @regular, @price, @quantity, @limit, @starts, @ends, @status, @version, @quantity)
        ON CONFLICT (stock_id) DO NOTHING
        """;

    private const string LockSql = "SELECT initial_quantity, remaining, version, starts_at FROM stocks WHERE stock_id = @sale FOR UPDATE";

    private const string UpdateSql = """
        UPDATE stocks SET item_id = @item, item_name = @name, regular_price = @regular, unit_price = @price,
               initial_quantity = @quantity, per_buyer_limit = @limit, starts_at = @starts, ends_at = @ends,
               status = @status, version = @version, remaining = @remaining, updated_at = now()
        WHERE stock_id = @sale
        """;

    private const string ReadSql = $"SELECT {StockRow.Columns} FROM stocks WHERE stock_id = @sale";

    /// <returns>What changed in the ledger, and whether the gate was armed now (false while the gate is being rebuilt).</returns>
    /// <exception cref="ArmingRefusedException">The new quantity is below what is already sold.</exception>
    public async Task<(LedgerChange Ledger, bool GateArmed)> ArmAsync(FlashSaleChanged change, CancellationToken cancellationToken)
    {
        using var held = await gateWriteLock.AcquireAsync(cancellationToken);
        // The ledger row, then the gate: a move the reconciler must not measure in the middle of.
        using var move = moves.Begin();
        var (ledger, row) = await UpsertAsync(change, cancellationToken);

        // A gate without ordering:ready lost its data and waits for the rebuild, which arms every sale from the
        // ledger (this row included). Arming it now would give it a sale while it cannot sell anything anyway.
        if (!await gate.IsReadyAsync())
        {
            return (ledger, false);
        }
        if (await gate.HoldsStockAsync(row.StockId))
        {
            await gate.ArmAsync(row.StockId, row.GateDefinition());
        }
        else
        {
            // The gate has never held this sale (or has lost it alone): build all of its state from the ledger,
            // exactly as the rebuild does. For a new sale that is what arm.lua's first arming does; for a sale
            // with orders it also brings their holdings, answers and releases, which arm.lua cannot know.
            await rebuilder.RebuildAsync(row.StockId, cancellationToken);
        }
        return (ledger, true);
    }

    private async Task<(LedgerChange, StockRow)> UpsertAsync(FlashSaleChanged change, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        LedgerChange ledger;
        await using (var insert = Command(connection, transaction, InsertSql, change))
        {
            ledger = await insert.ExecuteNonQueryAsync(cancellationToken) == 1 ? LedgerChange.Created : LedgerChange.Unchanged;
        }
        if (ledger == LedgerChange.Unchanged)
        {
            ledger = await UpdateIfNewerAsync(connection, transaction, change, cancellationToken);
        }

        StockRow row;
        await using (var read = new NpgsqlCommand(ReadSql, connection, transaction))
        {
            read.Parameters.Add(new NpgsqlParameter<Guid>("sale", change.SaleId));
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            row = StockRow.Read(reader);
        }
        await transaction.CommitAsync(cancellationToken);
        return (ledger, row);
    }

    private async Task<LedgerChange> UpdateIfNewerAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        FlashSaleChanged change, CancellationToken cancellationToken)
    {
        int initial, remaining;
        long version;
        DateTimeOffset startsAt;
        await using (var current = new NpgsqlCommand(LockSql, connection, transaction))
        {
            current.Parameters.Add(new NpgsqlParameter<Guid>("sale", change.SaleId));
            await using var reader = await current.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            (initial, remaining, version, startsAt) =
                (reader.GetInt32(0), reader.GetInt32(1), reader.GetInt64(2), reader.GetFieldValue<DateTimeOffset>(3));
        }
        if (change.Version <= version)
        {
            return LedgerChange.Unchanged;
        }

        // The units not yet sold move with the quantity: remaining grows or shrinks by the difference. Catalog
        // only changes the quantity before the sale starts; should it do so later, the change is still safe as
        // long as it does not take back units already sold.
        var newRemaining = remaining + (change.Quantity - initial);
        if (newRemaining < 0)
        {
            throw new ArmingRefusedException(
                $"Sale {change.SaleId} version {change.Version} sets the quantity to {change.Quantity}, but {initial - remaining} of {initial} units are already sold.");
        }
        if (change.Quantity != initial && time.GetUtcNow() >= startsAt)
        {
            LogQuantityChangedAfterStart(logger, change.SaleId, initial, change.Quantity);
        }
        await using var update = Command(connection, transaction, UpdateSql, change);
        update.Parameters.Add(new NpgsqlParameter<int>("remaining", newRemaining));
        await update.ExecuteNonQueryAsync(cancellationToken);
        return LedgerChange.Updated;
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, FlashSaleChanged change) => new(sql, connection, transaction)
    {
        Parameters =
        {
            new NpgsqlParameter<Guid>("sale", change.SaleId),
            new NpgsqlParameter<int>("item", change.ItemId),
            new NpgsqlParameter<string>("name", change.ItemName),
            new NpgsqlParameter<decimal>("regular", change.RegularPrice),
            new NpgsqlParameter<decimal>("price", change.SalePrice),
            new NpgsqlParameter<int>("quantity", change.Quantity),
            new NpgsqlParameter<int>("limit", change.PerBuyerLimit),
            new NpgsqlParameter<DateTimeOffset>("starts", change.StartsAt.ToUniversalTime()),
            new NpgsqlParameter<DateTimeOffset>("ends", change.EndsAt.ToUniversalTime()),
            new NpgsqlParameter<string>("status", change.Status.ToString()),
            new NpgsqlParameter<long>("version", change.Version),
        },
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sale {SaleId} changed its quantity from {Old} to {New} after it started; applied, since no sold unit is taken back")]
    private static partial void LogQuantityChangedAfterStart(ILogger logger, Guid saleId, int old, int @new);
}
