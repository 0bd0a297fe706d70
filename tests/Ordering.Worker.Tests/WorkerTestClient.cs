using System.Globalization;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.Options;
using Npgsql;
using RabbitMQ.Client;
using Shop.EventBus;
using Shop.IntegrationEvents;
using Shop.Ordering.Core;
using Shop.Ordering.Core.Messaging;
using Shop.Ordering.Core.Reconciliation;
using Shop.Ordering.Core.Redis;
using StackExchange.Redis;

namespace Shop.Ordering.Worker.Tests;

/// <summary>
/// What the worker tests do to the running shop: announce sales on shop.events as Catalog would, reserve through
/// the gate with reserve.lua as the API does (or append raw entries to its stream), subscribe to the events the worker
/// publishes, and read orderingdb, Redis and the dead-letter queues directly.
/// </summary>
public sealed class WorkerTestClient : IAsyncDisposable
{
    private readonly Dictionary<string, List<DeadLetter>> _deadLetters = [];
    private readonly Dictionary<string, List<Received>> _received = [];
    private readonly string _rabbitUri;
    private IConnection? _rabbit;
    private IChannel? _publisher;

    private WorkerTestClient(NpgsqlDataSource db, ConnectionMultiplexer redis, string rabbitUri)
    {
        Db = db;
        RedisConnection = redis;
        Gate = new GateClient(redis, Options.Create(new OrderingOptions()), TimeProvider.System);
        _rabbitUri = rabbitUri;
    }

    public NpgsqlDataSource Db { get; }

    public ConnectionMultiplexer RedisConnection { get; }

    public IDatabase Redis => RedisConnection.GetDatabase();

    /// <summary>The gate's scripts, called as the API and the worker call them.</summary>
    public GateClient Gate { get; }

    public static async Task<WorkerTestClient> CreateAsync(DistributedApplication app)
    {
        async Task<string> ConnectionStringAsync(string name) =>
            await app.GetConnectionStringAsync(name) ?? throw new InvalidOperationException($"{name} has no connection string");
        var db = NpgsqlDataSource.Create(await ConnectionStringAsync("orderingdb"));
        var redis = await ConnectionMultiplexer.ConnectAsync(await ConnectionStringAsync("gate") + ",abortConnect=false");
        return new WorkerTestClient(db, redis, await ConnectionStringAsync("messaging"));
    }

    // ---- sales ----

    /// <summary>A sale that is on now (started a minute ago, ends in an hour), version 1.</summary>
    public static FlashSaleChanged Sale(int quantity, int perBuyerLimit = 1000, DateTimeOffset? startsAt = null, decimal salePrice = 9.99m) => new()
    {
        SaleId = Guid.NewGuid(), ItemId = 7, ItemName = "Worker test item", RegularPrice = 19.99m, SalePrice = salePrice,
        Quantity = quantity, PerBuyerLimit = perBuyerLimit,
        StartsAt = startsAt ?? DateTimeOffset.UtcNow.AddMinutes(-1), EndsAt = (startsAt ?? DateTimeOffset.UtcNow).AddHours(1),
        Status = FlashSaleStatus.Scheduled, Version = 1,
    };

    /// <summary>Publishes the announcement as Catalog does (persistent, type and message id set, confirmed).</summary>
    public async Task AnnounceAsync(FlashSaleChanged change)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(change, IntegrationEventsJsonContext.Default.FlashSaleChanged);
        await PublishAsync(EventTopology.Exchange, EventTopology.FlashSaleChangedRoutingKey, body, change.EventId.ToString(), EventTopology.FlashSaleChangedType);
    }

    /// <summary>Announces a catalog item (its regular stock) as Catalog does and waits until the gate holds its stock.</summary>
    public async Task<Guid> ArmItemAsync(int itemId, int stock)
    {
        var change = new CatalogItemChanged
        {
            ItemId = itemId, Name = $"Worker test item {itemId}", Price = 5m, Stock = stock, StockVersion = 1, Deleted = false, Version = 1,
        };
        var body = JsonSerializer.SerializeToUtf8Bytes(change, IntegrationEventsJsonContext.Default.CatalogItemChanged);
        await PublishAsync(EventTopology.Exchange, EventTopology.CatalogItemChangedRoutingKey, body, change.EventId.ToString(), EventTopology.CatalogItemChangedType);
        var stockId = ItemStocks.StockId(itemId);
        await WaitForVersionAsync(stockId, 1);
        return stockId;
    }

    /// <summary>Announces a sale and waits until the ledger has this version and the gate holds it.</summary>
    public async Task<FlashSaleChanged> ArmAsync(FlashSaleChanged change)
    {
        await AnnounceAsync(change);
        await WaitForVersionAsync(change.SaleId, change.Version);
        return change;
    }

    public async Task WaitForVersionAsync(Guid saleId, long version)
    {
        await Eventually.TrueAsync(async () => await ScalarAsync("SELECT coalesce(max(version), 0) FROM stocks WHERE stock_id = @s", ("s", saleId)) >= version,
            $"sale {saleId} v{version} in the ledger");
        await Eventually.TrueAsync(async () => (long?)await Redis.HashGetAsync(GateKeys.Stock(saleId), "version") >= version,
            $"sale {saleId} v{version} in the gate");
    }

    /// <summary>False also while this client's connection to Redis is being re-established.</summary>
    public async Task<bool> GateReadyAsync() => await TryRedisAsync(db => db.KeyExistsAsync(GateKeys.Ready)) == true;

    /// <summary>Null while Redis is unreachable (restarting), instead of an exception.</summary>
    public async Task<T?> TryRedisAsync<T>(Func<IDatabase, Task<T>> read) where T : struct
    {
        try
        {
            return await read(Redis);
        }
        catch (Exception e) when (e is RedisConnectionException or RedisTimeoutException)
        {
            return null;
        }
    }

    public async Task<long> GateAsync(Guid saleId, string field) => (long)await Redis.HashGetAsync(GateKeys.Stock(saleId), field);

    public async Task<long> HoldingAsync(Guid saleId, string buyerId) => (long)await Redis.HashGetAsync(GateKeys.Buyers(saleId), buyerId);

    public Task<long> RemainingAsync(Guid saleId) => ScalarAsync("SELECT remaining FROM stocks WHERE stock_id = @s", ("s", saleId));

    public Task<long> OrderCountAsync(Guid saleId) => ScalarAsync("SELECT count(*) FROM orders WHERE stock_id = @s", ("s", saleId));

    // ---- reservations ----

    /// <summary>The buy decision exactly as the API takes it (the API's <see cref="GateClient"/>); null when refused.</summary>
    public async Task<ReservationMessage?> ReserveAsync(Guid saleId, string buyerId, string idempotencyKey, int quantity, decimal unitPrice = 9.99m)
    {
        var decision = await Gate.ReserveAsync(saleId, buyerId, idempotencyKey, quantity);
        if (decision.Outcome != ReservationOutcome.Accepted)
        {
            return null;
        }
        // The time the gate stamped on the reservation, as its stream entry carries it to the worker.
        var reservedAt = (string?)await Redis.HashGetAsync(GateKeys.Order(decision.OrderId), "reservedAt")
            ?? throw new InvalidOperationException($"The gate accepted {decision.OrderId} but holds no order hash for it.");
        return new ReservationMessage(decision.OrderId, saleId, buyerId, quantity, unitPrice,
            DateTimeOffset.Parse(reservedAt, CultureInfo.InvariantCulture), idempotencyKey);
    }

    /// <summary>
    /// Reservations through the gate, one after the other, <paramref name="pause"/> between chunks of
    /// <paramref name="chunkSize"/> (so that the worker is in the middle of them when a test breaks something).
    /// </summary>
    public async Task<List<ReservationMessage>> ReserveManyAsync(Guid saleId, int count, Func<int, (string BuyerId, int Quantity)> buyer,
        int chunkSize = int.MaxValue, TimeSpan pause = default)
    {
        var reservations = new List<ReservationMessage>(count);
        for (var i = 0; i < count; i++)
        {
            var (buyerId, quantity) = buyer(i);
            reservations.Add(await ReserveAsync(saleId, buyerId, $"many-{i}-{Guid.NewGuid():N}", quantity)
                ?? throw new InvalidOperationException($"The gate refused reservation {i} of sale {saleId}."));
            if ((i + 1) % chunkSize == 0 && pause > TimeSpan.Zero)
            {
                await Task.Delay(pause);
            }
        }
        return reservations;
    }

    /// <summary>
    /// A well-formed stream entry for a reservation the gate never accepted (its stock, pending and holdings never
    /// moved): how a test makes the worker face a reservation the ledger cannot cover.
    /// </summary>
    public async Task<string> AppendUnacceptedAsync(ReservationMessage reservation) => await AppendRawAsync(
        ("orderId", reservation.OrderId.ToString("N")), ("stockId", reservation.StockId.ToString("N")), ("buyerId", reservation.BuyerId),
        ("quantity", reservation.Quantity.ToString(CultureInfo.InvariantCulture)), ("unitPrice", reservation.UnitPrice.ToString(CultureInfo.InvariantCulture)),
        ("reservedAt", reservation.ReservedAt.ToString("O", CultureInfo.InvariantCulture)), ("idempotencyKey", reservation.IdempotencyKey));

    /// <summary>Any fields as an entry of the reservations stream (for poison tests); returns its id.</summary>
    public async Task<string> AppendRawAsync(params (string Name, string Value)[] fields) =>
        (string)(await Redis.StreamAddAsync(GateKeys.Reservations, [.. fields.Select(f => new NameValueEntry(f.Name, f.Value))]))!;

    /// <summary>A reservation the gate never saw, to append with <see cref="AppendUnacceptedAsync"/>.</summary>
    public static ReservationMessage Unaccepted(Guid saleId, string buyerId, int quantity) =>
        new(Guid.CreateVersion7(), saleId, buyerId, quantity, 9.99m, DateTimeOffset.UtcNow, "unaccepted-" + Guid.NewGuid().ToString("N"));

    /// <summary>The parked entries (ordering:reservations:parked): the parked entry's id → its fields, the reason among them.</summary>
    public async Task<Dictionary<string, Dictionary<string, string>>> ParkedAsync() =>
        (await Redis.StreamRangeAsync(GateKeys.ParkedReservations, "-", "+"))
            .Select(e => e.Values.ToDictionary(f => (string)f.Name!, f => (string)f.Value!))
            .ToDictionary(f => f["entry"]);

    public async Task WaitForParkedAsync(string entryId) =>
        await Eventually.TrueAsync(async () => (await ParkedAsync()).ContainsKey(entryId), $"stream entry {entryId} parked");

    /// <summary>Anything, as a FlashSaleChanged on shop.events (for malformed-event tests).</summary>
    public Task PublishCatalogRawAsync(byte[] body, string messageId) =>
        PublishAsync(EventTopology.Exchange, EventTopology.FlashSaleChangedRoutingKey, body, messageId, EventTopology.FlashSaleChangedType);

    // ---- events Ordering publishes ----

    /// <summary>One message as a subscriber received it.</summary>
    public sealed record Received(string RoutingKey, string? Type, string? MessageId, string Body);

    /// <summary>
    /// A durable queue of the test's own, bound to shop.events with <paramref name="routingKeys"/>: durable, so that it
    /// keeps what arrives across a broker restart. Delete it with <see cref="DeleteQueueAsync"/>.
    /// </summary>
    public async Task<string> SubscribeAsync(params string[] routingKeys)
    {
        var channel = await PublisherAsync();
        var queue = "test.ordering-events." + Guid.NewGuid().ToString("N");
        return await EventBusTopology.DeclareListenerAsync(channel, routingKeys, durableName: queue);
    }

    /// <summary>Every message that reached <paramref name="queue"/> so far (read once from the queue, kept here).</summary>
    public async Task<IReadOnlyList<Received>> ReceivedAsync(string queue)
    {
        var channel = await PublisherAsync();
        if (!_received.TryGetValue(queue, out var seen))
        {
            _received[queue] = seen = [];
        }
        while (await channel.BasicGetAsync(queue, autoAck: true) is { } message)
        {
            seen.Add(new Received(message.RoutingKey, message.BasicProperties.Type, message.BasicProperties.MessageId,
                System.Text.Encoding.UTF8.GetString(message.Body.Span)));
        }
        return seen;
    }

    /// <summary>The order status events received on <paramref name="queue"/> so far.</summary>
    public async Task<List<OrderStatusChanged>> OrderEventsAsync(string queue) =>
        [.. (await ReceivedAsync(queue)).Where(m => m.Type == EventTopology.OrderStatusChangedType)
            .Select(m => JsonSerializer.Deserialize(m.Body, IntegrationEventsJsonContext.Default.OrderStatusChanged)!)];

    /// <summary>The item stock figures received on <paramref name="queue"/> so far, in arrival order.</summary>
    public async Task<List<ItemStocksChanged>> ItemStockEventsAsync(string queue) =>
        [.. (await ReceivedAsync(queue)).Where(m => m.Type == EventTopology.ItemStocksChangedType)
            .Select(m => JsonSerializer.Deserialize(m.Body, IntegrationEventsJsonContext.Default.ItemStocksChanged)!)];

    public async Task DeleteQueueAsync(string queue)
    {
        var channel = await PublisherAsync();
        await channel.QueueDeleteAsync(queue);
    }

    // ---- dead letters (catalog events) ----

    public sealed record DeadLetter(string? MessageId, string Body);

    /// <summary>Every message that reached a dead-letter queue so far (read once from the queue, kept here).</summary>
    public async Task<IReadOnlyList<DeadLetter>> DeadLettersAsync(string queue)
    {
        var channel = await PublisherAsync();
        if (!_deadLetters.TryGetValue(queue, out var seen))
        {
            _deadLetters[queue] = seen = [];
        }
        while (await channel.BasicGetAsync(queue, autoAck: true) is { } message)
        {
            seen.Add(new DeadLetter(message.BasicProperties.MessageId, System.Text.Encoding.UTF8.GetString(message.Body.Span)));
        }
        return seen;
    }

    public async Task WaitForDeadLetterAsync(string queue, string messageId) =>
        await Eventually.TrueAsync(async () => (await DeadLettersAsync(queue)).Any(d => d.MessageId == messageId),
            $"message {messageId} in {queue}");

    // ---- database ----

    public async Task<long> ScalarAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = Db.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        return Convert.ToInt64(await command.ExecuteScalarAsync() ?? 0L, CultureInfo.InvariantCulture);
    }

    public async Task<string?> StringAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = Db.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        return (string?)await command.ExecuteScalarAsync();
    }

    public async Task<int> ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = Db.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        return await command.ExecuteNonQueryAsync();
    }

    /// <summary>Waits until the sale's stock invariant holds (Redis and Postgres are never read in one snapshot).</summary>
    public async Task AssertReconcilesAsync(Guid saleId)
    {
        var reconciler = new StockReconciler(Db, RedisConnection, TimeProvider.System);
        ReconciliationReport? report = null;
        try
        {
            // Nothing assumed unsettled: it waits for the worker to settle what it committed.
            await Eventually.TrueAsync(async () => (report = await reconciler.MeasureAsync(saleId, unsettledUnits: 0, buyersFrom: null, CancellationToken.None)) is { Holds: true },
                $"the stock invariant of sale {saleId} holds", TimeSpan.FromSeconds(20));
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}: {report}", e);
        }
    }

    // ---- RabbitMQ ----

    private async Task PublishAsync(string exchange, string routingKey, byte[] body, string messageId, string type)
    {
        var channel = await PublisherAsync();
        await channel.BasicPublishAsync(exchange, routingKey, mandatory: true, Properties(messageId, type), body);
    }

    private static BasicProperties Properties(string messageId, string type) =>
        new() { Persistent = true, MessageId = messageId, Type = type, ContentType = "application/json" };

    private async Task<IChannel> PublisherAsync()
    {
        if (_publisher is { IsOpen: true })
        {
            return _publisher;
        }
        await ResetRabbitAsync();
        // No automatic recovery: a test that restarts RabbitMQ decides itself when and what to publish again.
        var factory = new ConnectionFactory { Uri = new Uri(_rabbitUri), AutomaticRecoveryEnabled = false };
        _rabbit = await factory.CreateConnectionAsync();
        _publisher = await _rabbit.CreateChannelAsync(new CreateChannelOptions(
            publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true, outstandingPublisherConfirmationsRateLimiter: null));
        return _publisher;
    }

    private async Task ResetRabbitAsync()
    {
        try
        {
            if (_publisher is not null)
            {
                await _publisher.DisposeAsync();
            }
            if (_rabbit is not null)
            {
                await _rabbit.DisposeAsync();
            }
        }
        catch (Exception e) when (e is RabbitMQ.Client.Exceptions.AlreadyClosedException or IOException or ObjectDisposedException)
        {
        }
        (_publisher, _rabbit) = (null, null);
    }

    public async ValueTask DisposeAsync()
    {
        await ResetRabbitAsync();
        RedisConnection.Dispose();
        await Db.DisposeAsync();
    }
}
