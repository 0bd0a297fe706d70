using System.Globalization;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.Options;
using Npgsql;
using RabbitMQ.Client;
using Shop.IntegrationEvents;
using Shop.Ordering.Core;
using Shop.Ordering.Core.Messaging;
using Shop.Ordering.Core.Reconciliation;
using Shop.Ordering.Core.Redis;
using StackExchange.Redis;

namespace Shop.Ordering.Worker.Tests;

/// <summary>
/// What the worker tests do to the running shop: announce sales on shop.events as Catalog would, reserve through
/// the gate with reserve.lua as the API does, publish reservations to the queue as the relay does (persistent,
/// with publisher confirms), and read orderingdb, Redis and the dead-letter queues directly.
/// </summary>
public sealed class WorkerTestClient : IAsyncDisposable
{
    private readonly Dictionary<string, List<DeadLetter>> _deadLetters = [];
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

    /// <summary>Announces a sale and waits until the ledger has this version and the gate holds it.</summary>
    public async Task<FlashSaleChanged> ArmAsync(FlashSaleChanged change)
    {
        await AnnounceAsync(change);
        await WaitForVersionAsync(change.SaleId, change.Version);
        return change;
    }

    public async Task WaitForVersionAsync(Guid saleId, long version)
    {
        await Eventually.TrueAsync(async () => await ScalarAsync("SELECT coalesce(max(version), 0) FROM flash_sales WHERE sale_id = @s", ("s", saleId)) >= version,
            $"sale {saleId} v{version} in the ledger");
        await Eventually.TrueAsync(async () => (long?)await Redis.HashGetAsync(GateKeys.Sale(saleId), "version") >= version,
            $"sale {saleId} v{version} in the gate");
    }

    /// <summary>False also while this client's connection to Redis is being re-established.</summary>
    public async Task<bool> GateAliveAsync() => await TryRedisAsync(db => db.KeyExistsAsync(GateKeys.Alive)) == true;

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

    public async Task<long> GateAsync(Guid saleId, string field) => (long)await Redis.HashGetAsync(GateKeys.Sale(saleId), field);

    public async Task<long> HoldingAsync(Guid saleId, string buyerId) => (long)await Redis.HashGetAsync(GateKeys.Buyers(saleId), buyerId);

    public Task<long> RemainingAsync(Guid saleId) => ScalarAsync("SELECT remaining FROM flash_sales WHERE sale_id = @s", ("s", saleId));

    public Task<long> OrderCountAsync(Guid saleId) => ScalarAsync("SELECT count(*) FROM orders WHERE sale_id = @s", ("s", saleId));

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

    /// <summary>A reservation the gate never saw (the worker must still persist it, and count it in the gate).</summary>
    public static ReservationMessage Direct(Guid saleId, string buyerId, int quantity) =>
        new(Guid.CreateVersion7(), saleId, buyerId, quantity, 9.99m, DateTimeOffset.UtcNow, "direct-" + Guid.NewGuid().ToString("N"));

    /// <summary>Publishes reservations as the relay does: to the queue, persistent, message id = order id, confirmed.</summary>
    public async Task PublishAsync(IEnumerable<ReservationMessage> reservations)
    {
        foreach (var chunk in reservations.Chunk(200))
        {
            await PublishConfirmedAsync(chunk.Select(r => (Body(r), r.OrderId.ToString())).ToList());
        }
    }

    public Task PublishAsync(params ReservationMessage[] reservations) => PublishAsync((IEnumerable<ReservationMessage>)reservations);

    /// <summary>
    /// Publishes while RabbitMQ may go away: a chunk whose confirms did not all arrive is published again on a new
    /// connection once the broker is back (a duplicate is harmless, a loss is not).
    /// </summary>
    public async Task PublishSurvivingOutagesAsync(IReadOnlyList<ReservationMessage> reservations, int chunkSize, TimeSpan pause, CancellationToken cancellationToken)
    {
        foreach (var chunk in reservations.Chunk(chunkSize))
        {
            var messages = chunk.Select(r => (Body(r), r.OrderId.ToString())).ToList();
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    await PublishConfirmedAsync(messages);
                    break;
                }
                catch (Exception) when (attempt < 600 && !cancellationToken.IsCancellationRequested)
                {
                    await ResetRabbitAsync();
                    await Task.Delay(200, cancellationToken);
                }
            }
            await Task.Delay(pause, cancellationToken);
        }
    }

    /// <summary>Anything, as a FlashSaleChanged on shop.events (for malformed-event tests).</summary>
    public Task PublishCatalogRawAsync(byte[] body, string messageId) =>
        PublishAsync(EventTopology.Exchange, EventTopology.FlashSaleChangedRoutingKey, body, messageId, EventTopology.FlashSaleChangedType);

    /// <summary>Anything, as a message on the reservations queue (for poison tests).</summary>
    public Task PublishRawAsync(byte[] body, string messageId) =>
        PublishAsync("", OrderingTopology.ReservationsQueue, body, messageId, nameof(ReservationMessage));

    public static byte[] Body(ReservationMessage reservation) =>
        JsonSerializer.SerializeToUtf8Bytes(reservation, OrderingJsonContext.Default.ReservationMessage);

    // ---- dead letters ----

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
        var reconciler = new SaleReconciler(Db, RedisConnection, TimeProvider.System);
        ReconciliationReport? report = null;
        try
        {
            await Eventually.TrueAsync(async () => (report = await reconciler.MeasureAsync(saleId, CancellationToken.None)) is { Holds: true },
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

    private async Task PublishConfirmedAsync(List<(byte[] Body, string MessageId)> messages)
    {
        var channel = await PublisherAsync();
        // Tracked confirms: each publish completes when the broker has the message; all of a chunk go out together.
        await Task.WhenAll(messages.Select(m => channel.BasicPublishAsync("", OrderingTopology.ReservationsQueue, mandatory: true,
            Properties(m.MessageId, nameof(ReservationMessage)), m.Body).AsTask()));
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
